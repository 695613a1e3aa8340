using System.Diagnostics;
using System.Net;
using System.Text;
using ImageApi.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ImageApi.Tests.Security;

/// <summary>
/// Inputs made to break decoders and parsers, through the real HTTP path. Each gets its documented
/// status, none takes the process down, and memory stays bounded.
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output) : IDisposable
{
    // 400 only as "output too large": a damaged header may claim a shape whose scaled side exceeds the maximum.
    private static readonly HashSet<HttpStatusCode> Documented =
        [HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.UnsupportedMediaType, HttpStatusCode.UnprocessableEntity];

    private static async Task AssertDocumentedAsync(HttpResponseMessage response, string what)
    {
        Assert.True(Documented.Contains(response.StatusCode), $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var problem = await response.ReadProblemAsync(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                Assert.Equal("urn:imageapi:problem:output-too-large", problem.GetProperty("type").GetString());
            }
        }
    }

    private readonly ImageApiFactory _factory = new(new Dictionary<string, string?> { ["RateLimits:RenditionsPerMinute"] = "0" });

    public void Dispose() => _factory.Dispose();

    private void Place(string key, byte[] bytes)
    {
        var path = Path.Combine(_factory.SourceRoot, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>Truncations at fixed fractions and seeded bit flips of one real image.</summary>
    public static IEnumerable<(string Name, byte[] Bytes)> Mutations(string image, int flips)
    {
        var original = TestImages.Bytes(image);
        foreach (var fraction in new[] { 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99 })
        {
            yield return ($"truncated-{fraction}", original[..(int)(original.Length * fraction)]);
        }

        var random = new Random(image.Length);
        for (var i = 0; i < flips; i++)
        {
            var copy = (byte[])original.Clone();
            var count = 1 << random.Next(0, 6);

            // Half the variants damage the header area, where parsers make their decisions.
            var range = i % 2 == 0 ? Math.Min(copy.Length, 512) : copy.Length;
            for (var j = 0; j < count; j++)
            {
                copy[random.Next(range)] ^= (byte)(1 << random.Next(8));
            }

            yield return ($"flipped-{i}", copy);
        }
    }

    [Theory]
    [InlineData("photo-cups.jpg")]
    [InlineData("alpha.png")]
    [InlineData("wood.webp")]
    [InlineData("animated.gif")]
    public async Task Truncated_and_bit_flipped_files_get_documented_statuses(string image)
    {
        var client = _factory.CreateClient();
        var statuses = new Dictionary<HttpStatusCode, int>();
        foreach (var (name, bytes) in Mutations(image, 16))
        {
            var key = $"uploads/hostile/{image}/{name}";
            Place(key, bytes);
            var response = await client.GetAsync($"/images/{key}?w=64");
            await AssertDocumentedAsync(response, $"{image} {name}");

            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
        }

        output.WriteLine($"{image}: " + string.Join(", ", statuses.Select(s => $"{(int)s.Key}×{s.Value}")));
        // The service keeps serving.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Place("uploads/hostile/good.jpg", TestImages.Bytes("photo-cups.jpg"));
        Assert.Equal(64, (await client.GetImageAsync("/images/uploads/hostile/good.jpg?w=64")).Info.Width);
    }

    public static TheoryData<string, HttpStatusCode, string> CraftedFiles => new()
    {
        { "bmp-2gb-offset", HttpStatusCode.UnsupportedMediaType, "The original is BMP" },
        { "gif-3000-frames", HttpStatusCode.RequestEntityTooLarge, "3000 frames" },
        { "png-30000x30000", HttpStatusCode.RequestEntityTooLarge, "30000×30000" },
        { "zero-bytes", HttpStatusCode.UnprocessableEntity, "empty" },
        { "text", HttpStatusCode.UnsupportedMediaType, "accepted format" },
        { "svg", HttpStatusCode.UnsupportedMediaType, "The original is SVG" },
        { "tiff", HttpStatusCode.UnsupportedMediaType, "The original is TIFF" },
        { "html-as-jpeg", HttpStatusCode.UnsupportedMediaType, "accepted format" },
    };

    [Theory]
    [MemberData(nameof(CraftedFiles))]
    public async Task Crafted_files_get_documented_statuses(string kind, HttpStatusCode status, string detail)
    {
        var bytes = kind switch
        {
            "bmp-2gb-offset" => TestImages.BmpPointingFarAway(),
            "gif-3000-frames" => TestImages.ManyFrameGif(3000),
            "png-30000x30000" => TestImages.Bytes("huge-header.png"),
            "zero-bytes" => [],
            "text" => TestImages.Bytes("text.jpg"),
            "svg" => TestImages.Bytes("vector.svg"),
            "tiff" => TestImages.Bytes("photo.tiff"),
            _ => Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>"),
        };
        Place($"uploads/crafted/{kind}", bytes);
        var problem = await (await _factory.CreateClient().GetAsync($"/images/uploads/crafted/{kind}?w=64")).ReadProblemAsync(status);
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("w=-1")]
    [InlineData("w=-99999999999")]
    [InlineData("w=99999999999999999999999999")]
    [InlineData("h=2147483648")]
    [InlineData("q=-0")]
    [InlineData("w=%00")]
    [InlineData("w[]=1")]
    [InlineData("fit=%F0%9F%92%A3")]
    public async Task Huge_negative_and_strange_parameters_are_400(string query)
    {
        Place("uploads/params/a.jpg", TestImages.Bytes("photo-cups.jpg"));
        await (await _factory.CreateClient().GetAsync($"/images/uploads/params/a.jpg?{query}")).ReadProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Very_long_keys_and_queries_are_400()
    {
        var client = _factory.CreateClient();
        await (await client.GetAsync("/images/uploads/" + new string('k', 2000))).ReadProblemAsync(HttpStatusCode.BadRequest);
        await (await client.GetAsync("/images/uploads/" + string.Join('/', Enumerable.Repeat("segment", 300)))).ReadProblemAsync(HttpStatusCode.BadRequest);
        var longQuery = string.Join('&', Enumerable.Range(0, 400).Select(i => $"p{i}=v"));
        var problem = await (await client.GetAsync("/images/uploads/a.jpg?" + longQuery)).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.ToString().Length < 2000, "the answer to a huge query stays small");
        await (await client.GetAsync("/images/uploads/a.jpg?w=" + new string('9', 5000))).ReadProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/images/uploads%2F..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/images/uploads/%2e%2e/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/images/uploads/..%5C..%5Cetc%5Cpasswd")]
    [InlineData("/images/%2e%2e%2fsource%2f..%2f..%2fappsettings.json")]
    [InlineData("/images/uploads/%252e%252e/x")]
    public async Task Percent_encoded_traversal_never_leaves_the_store(string path)
    {
        var response = await _factory.CreateClient().GetAsync(path);
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Memory_stays_bounded_through_a_hostile_run()
    {
        var client = _factory.CreateClient();
        GC.Collect();
        var managedBefore = GC.GetTotalMemory(forceFullCollection: true);
        var inputs = new[] { "photo-cups.jpg", "alpha.png", "wood.webp", "animated.gif" }
            .SelectMany(image => Mutations(image, 24).Select(m => (Key: $"uploads/memory/{image}/{m.Name}", m.Bytes)))
            .Append(("uploads/memory/bmp", TestImages.BmpPointingFarAway()))
            .Append(("uploads/memory/gif", TestImages.ManyFrameGif(3000)))
            .Append(("uploads/memory/png", TestImages.Bytes("huge-header.png")))
            .ToList();
        foreach (var (key, bytes) in inputs)
        {
            Place(key, bytes);
            await AssertDocumentedAsync(await client.GetAsync($"/images/{key}?w=300"), key);
        }

        GC.Collect();
        var managedAfter = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        output.WriteLine($"{inputs.Count} hostile inputs; managed heap {managedBefore / 1048576} MB → {managedAfter / 1048576} MB; peak working set {process.PeakWorkingSet64 / 1048576} MB");

        // A decoder that trusted these headers would allocate ~2 GB for the crafted BMP and 2.5 GB for the
        // 30000×30000 PNG; the service refuses both from the header (the BMP by its magic bytes alone).
        Assert.True(process.PeakWorkingSet64 < 2L * 1024 * 1024 * 1024, $"peak working set {process.PeakWorkingSet64 / 1048576} MB");
        Assert.True(managedAfter - managedBefore < 256L * 1024 * 1024, $"managed heap grew by {(managedAfter - managedBefore) / 1048576} MB");
    }
}
