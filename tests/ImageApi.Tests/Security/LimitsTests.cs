using System.Net;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Security;

/// <summary>Allowed sizes, renditions per original, rate limits and the render timeout.</summary>
public sealed class LimitsTests : IDisposable
{
    private const string Image = "uploads/l/photo.jpg";
    private readonly List<ImageApiFactory> _factories = [];

    public void Dispose() => _factories.ForEach(f => f.Dispose());

    private (ImageApiFactory Factory, HttpClient Client) Start(Dictionary<string, string?> settings)
    {
        var factory = new ImageApiFactory(settings);
        _factories.Add(factory);
        var path = Path.Combine(factory.SourceRoot, Image);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, TestImages.Bytes("photo-cups.jpg"));
        return (factory, factory.CreateClient());
    }

    [Fact]
    public async Task Only_allowed_widths_are_made_and_the_error_lists_them()
    {
        var (_, client) = Start(new() { ["Renditions:AllowedWidths:0"] = "320", ["Renditions:AllowedWidths:1"] = "640" });
        var (_, _, info) = await client.GetImageAsync($"/images/{Image}?w=320");
        Assert.Equal(320, info.Width);
        var problem = await (await client.GetAsync($"/images/{Image}?w=400")).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("one of 320, 640", problem.GetProperty("errors").GetProperty("w").GetProperty("allowed").GetString());
        Assert.Equal(800, (await client.GetImageAsync($"/images/{Image}")).Info.Width);
    }

    [Fact]
    public async Task An_original_has_at_most_so_many_renditions()
    {
        var (_, client) = Start(new() { ["Limits:MaxRenditionsPerOriginal"] = "3" });
        await client.GetImageAsync($"/images/{Image}?w=10");
        await client.GetImageAsync($"/images/{Image}?w=20");
        await client.GetImageAsync($"/images/{Image}?w=30");
        var problem = await (await client.GetAsync($"/images/{Image}?w=40")).ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("urn:imageapi:problem:rendition-limit", problem.GetProperty("type").GetString());
        Assert.Contains("3 renditions", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // What exists is still served, and the default rendition may always be made.
        Assert.Equal(20, (await client.GetImageAsync($"/images/{Image}?w=20")).Info.Width);
        Assert.Equal(800, (await client.GetImageAsync($"/images/{Image}")).Info.Width);
    }

    [Fact]
    public async Task Upload_requests_are_rate_limited_with_retry_after()
    {
        var (_, client) = Start(new() { ["RateLimits:UploadsPerMinute"] = "2" });
        await client.RequestUploadAsync("a.jpg", "image/jpeg", 10);
        await client.RequestUploadAsync("b.jpg", "image/jpeg", 10);
        var response = await client.PostAsync("/uploads", System.Net.Http.Json.JsonContent.Create(new { fileName = "c.jpg", contentType = "image/jpeg", contentLength = 10 }));
        await response.ReadProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.InRange(response.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
    }

    [Fact]
    public async Task Generating_renditions_is_rate_limited_but_serving_stored_ones_is_not()
    {
        var (factory, client) = Start(new() { ["RateLimits:RenditionsPerMinute"] = "2" });
        await client.GetImageAsync($"/images/{Image}?w=11");
        await client.GetImageAsync($"/images/{Image}?w=12");
        var response = await client.GetAsync($"/images/{Image}?w=13");
        var problem = await response.ReadProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("stored renditions are still served", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(2, factory.RenditionsGenerated);

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/images/{Image}?w=11")).StatusCode);
        }
    }
}

/// <summary>
/// Alone, because the render timeout is a timer: on a thread pool saturated by parallel tests its
/// callback can run later than a whole render takes.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class RenderTimeoutTests : IDisposable
{
    private readonly ImageApiFactory _factory = new(new Dictionary<string, string?> { ["Limits:RenderTimeout"] = "00:00:00.001" });

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task A_render_over_the_time_limit_is_stopped_with_503_and_stores_nothing()
    {
        var factory = _factory;
        var client = factory.CreateClient();

        // A 49-megapixel original: its render takes a few hundred milliseconds, long enough for the
        // 1 ms timer to fire mid-way even when the other test assembly keeps both cores busy and the
        // timer's callback waits its turn (a 12-megapixel one was not, once renders got faster).
        Directory.CreateDirectory(Path.Combine(factory.SourceRoot, "uploads/l"));
        using (var big = NetVips.Image.Black(7000, 7000, bands: 3))
        {
            await File.WriteAllBytesAsync(Path.Combine(factory.SourceRoot, "uploads/l/big.png"), big.PngsaveBuffer(compression: 1));
        }

        var response = await client.GetAsync("/images/uploads/l/big.png?w=500");
        var problem = await response.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("urn:imageapi:problem:render-timeout", problem.GetProperty("type").GetString());
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Empty(Directory.Exists(factory.DestinationRoot) ? Directory.GetFiles(factory.DestinationRoot, "*.webp", SearchOption.AllDirectories) : []);
    }
}
