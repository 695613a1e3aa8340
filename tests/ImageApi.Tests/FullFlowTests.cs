using System.Net;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests;

public sealed class FullFlowTests : IDisposable
{
    private readonly ImageApiFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Upload_then_default_rendition_then_on_demand_size_then_cached_then_304()
    {
        var client = _factory.CreateClient();
        var original = TestImages.Bytes("photo-cups.jpg");

        // 1. Ask for an upload URL; the server picks a unique key.
        var ticket = await client.RequestUploadAsync("photo-cups.jpg", "image/jpeg", original.Length);
        Assert.StartsWith("uploads/", ticket.Key, StringComparison.Ordinal);
        Assert.EndsWith("/photo-cups.jpg", ticket.Key, StringComparison.Ordinal);
        Assert.Equal("PUT", ticket.Method);

        // 2. Send the bytes to that URL: stored exactly as sent.
        var put = await client.SendUploadAsync(ticket, original);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(original, await File.ReadAllBytesAsync(Path.Combine(_factory.SourceRoot, ticket.Key)));

        // 3. The background handler makes the default rendition: fit inside 800×800, WebP.
        // The record is written once the upload is handled (rendition stored, metrics counted).
        var folder = Path.Combine(_factory.DestinationRoot, "processed", ticket.Key);
        await ApiClient.WaitForFileAsync(folder, "_source.json", TimeSpan.FromSeconds(30));
        var defaultFile = Path.Combine(folder, "w800-h800-inside-q80.webp");
        var defaultBytes = await File.ReadAllBytesAsync(defaultFile);
        var defaultInfo = Decoded.From(defaultBytes);
        Assert.Equal("webp", defaultInfo.Format);
        Assert.Equal((800, 500), (defaultInfo.Width, defaultInfo.Height));

        // GET without parameters serves those very bytes.
        var (plain, plainBytes, _) = await client.GetImageAsync(ticket.Image());
        Assert.Equal(defaultBytes, plainBytes);
        Assert.Contains("cache;desc=hit", plain.Headers.GetValues("Server-Timing").Single(), StringComparison.Ordinal);
        Assert.Equal(1, _factory.RenditionsGenerated);

        // 4. A new size is generated on first request.
        var (first, firstBytes, firstInfo) = await client.GetImageAsync(ticket.Image("w=400"));
        Assert.Equal(400, firstInfo.Width);
        Assert.Equal(250, firstInfo.Height);
        Assert.Equal("image/webp", first.Content.Headers.ContentType?.MediaType);
        Assert.Equal(firstBytes.Length, first.Content.Headers.ContentLength);
        Assert.Contains("cache;desc=miss", first.Headers.GetValues("Server-Timing").Single(), StringComparison.Ordinal);
        Assert.Equal("public, max-age=86400", first.Headers.CacheControl?.ToString());
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        Assert.Equal(2, _factory.RenditionsGenerated);

        var storedFile = Path.Combine(_factory.DestinationRoot, "processed", ticket.Key, "w400-hauto-inside-q80.webp");
        Assert.Equal(firstBytes, await File.ReadAllBytesAsync(storedFile));
        var storedAt = File.GetLastWriteTimeUtc(storedFile);

        // 5. The same request again is served from storage: nothing rendered, the stored object untouched.
        var (second, secondBytes, _) = await client.GetImageAsync(ticket.Image("w=400"));
        Assert.Equal(firstBytes, secondBytes);
        Assert.Equal(etag, second.Headers.ETag);
        Assert.Contains("cache;desc=hit", second.Headers.GetValues("Server-Timing").Single(), StringComparison.Ordinal);
        Assert.Equal(2, _factory.RenditionsGenerated);
        Assert.Equal(storedAt, File.GetLastWriteTimeUtc(storedFile));

        // 6. With the ETag: 304, no body.
        using var conditional = new HttpRequestMessage(HttpMethod.Get, ticket.Image("w=400"));
        conditional.Headers.IfNoneMatch.Add(etag);
        var notModified = await client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, notModified.Headers.ETag);
        Assert.Equal(2, _factory.RenditionsGenerated);
    }

    public static TheoryData<string, string, int, int> RealImages => new()
    {
        { "photo-autumn.jpg", "image/jpeg", 800, 500 },
        { "exif-rotated.jpg", "image/jpeg", 400, 640 },
        { "cmyk.jpg", "image/jpeg", 640, 400 },
        { "greyscale.jpg", "image/jpeg", 640, 400 },
        { "alpha.png", "image/png", 480, 300 },
        { "deep-16bit.png", "image/png", 480, 300 },
        { "animated.gif", "image/gif", 320, 200 },
        { "wood.webp", "image/webp", 800, 800 },
        { "one-pixel.png", "image/png", 1, 1 },
    };

    [Theory]
    [MemberData(nameof(RealImages))]
    public async Task Every_kind_of_original_gets_its_default_rendition(string name, string contentType, int width, int height)
    {
        var client = _factory.CreateClient();
        var ticket = await client.UploadAsync(name, contentType);
        var file = await ApiClient.WaitForFileAsync(Path.Combine(_factory.DestinationRoot, "processed", ticket.Key), "*.webp", TimeSpan.FromSeconds(30));
        var bytes = await File.ReadAllBytesAsync(file);
        var info = Decoded.From(bytes);
        Assert.Equal("webp", info.Format);
        Assert.Equal((width, height), (info.Width, info.Height));
        Assert.Equal(1, info.Pages);
        // No metadata chunk of any kind: WebP's EXIF and XMP chunks, or an EXIF header inside another.
        Assert.DoesNotContain("EXIF", System.Text.Encoding.Latin1.GetString(bytes), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("XMP", System.Text.Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);

        // A 100×100 cover box, except where the original is smaller: without enlargement the box keeps
        // its (square) shape at the largest size the original allows (1×1 for the one-pixel PNG).
        var side = Math.Min(100, Math.Min(width, height));
        var (_, _, small) = await client.GetImageAsync(ticket.Image("w=100&h=100&fit=cover&format=jpeg"));
        Assert.Equal("jpeg", small.Format);
        Assert.Equal((side, side), (small.Width, small.Height));
    }

    [Fact]
    public async Task Concurrent_requests_for_one_missing_rendition_generate_it_once()
    {
        var client = _factory.CreateClient();
        var ticket = await client.UploadAsync("photo-autumn.jpg", "image/jpeg");
        // Not the .webp file alone: the upload's own rendition must be counted before `before` is read.
        await ApiClient.WaitForFileAsync(Path.Combine(_factory.DestinationRoot, "processed", ticket.Key), "_source.json", TimeSpan.FromSeconds(30));
        var before = _factory.RenditionsGenerated;

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.GetImageAsync(ticket.Image("w=640&format=png"))));

        Assert.Equal(before + 1, _factory.RenditionsGenerated);
        Assert.Single(responses.Select(r => Convert.ToHexString(r.Bytes)).Distinct());
        Assert.Single(responses.Select(r => r.Response.Headers.ETag!.Tag).Distinct());
        Assert.Single(Directory.GetFiles(Path.Combine(_factory.DestinationRoot, "processed", ticket.Key), "*.png"));
    }
}
