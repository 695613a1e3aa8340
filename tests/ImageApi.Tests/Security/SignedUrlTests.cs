using System.Net;
using ImageApi.Processing.Naming;
using ImageApi.Processing.Security;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Security;

/// <summary>Signed transform URLs, switched on by configuration.</summary>
public sealed class SignedUrlTests : IDisposable
{
    private const string Key1 = "first-signing-key-0123456789abcdef";
    private const string Key2 = "second-signing-key-0123456789abcdef";
    private const string Image = "uploads/s/photo.jpg";
    private static readonly SourceKey Source = SourceKey.Parse(Image);
    private readonly List<ImageApiFactory> _factories = [];

    public void Dispose() => _factories.ForEach(f => f.Dispose());

    private HttpClient Start(params string[] keys)
    {
        var settings = new Dictionary<string, string?> { ["Signing:Required"] = "true" };
        for (var i = 0; i < keys.Length; i++)
        {
            settings[$"Signing:Keys:{i}"] = keys[i];
        }

        var factory = new ImageApiFactory(settings);
        _factories.Add(factory);
        var path = Path.Combine(factory.SourceRoot, Image);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, TestImages.Bytes("photo-cups.jpg"));
        return factory.CreateClient();
    }

    private static string Url(string query, string signWith = Key1, string? signedQuery = null) =>
        $"/images/{Image}?{query}&sig={new TransformSigner([signWith]).Sign(Source, signedQuery ?? query)}";

    [Fact]
    public async Task The_default_rendition_needs_no_signature()
    {
        var client = Start(Key1);
        var (_, _, info) = await client.GetImageAsync($"/images/{Image}");
        Assert.Equal(800, info.Width);
    }

    [Fact]
    public async Task Transform_requests_without_a_signature_are_403()
    {
        var client = Start(Key1);
        var problem = await (await client.GetAsync($"/images/{Image}?w=100")).ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("'sig' parameter is missing", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_factories[0].Root, "*.webp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_valid_signature_is_served_and_spelling_variants_share_it()
    {
        var client = Start(Key1);
        // What is signed is the canonical order (w, h, fit, format, q, exp), whatever order the URL uses.
        var (_, _, info) = await client.GetImageAsync(Url("fit=cover&w=100&h=100", signedQuery: "w=100&h=100&fit=cover"));
        Assert.Equal((100, 100), (info.Width, info.Height));
        var sig = new TransformSigner([Key1]).Sign(Source, "w=100&h=100&fit=cover");
        var (again, _, _) = await client.GetImageAsync($"/images/{Image}?FIT=Cover&h=0100&W=100&sig={sig}");
        Assert.Contains("cache;desc=hit", again.Headers.GetValues("Server-Timing").Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("w=101", "w=100")]
    [InlineData("w=100&q=90", "w=100")]
    [InlineData("w=100&format=png", "w=100")]
    public async Task Tampered_parameters_are_403(string requested, string signedFor)
    {
        var client = Start(Key1);
        var problem = await (await client.GetAsync(Url(requested, signedQuery: signedFor))).ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("does not match", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signature_for_another_image_is_403()
    {
        var client = Start(Key1);
        var sig = new TransformSigner([Key1]).Sign(SourceKey.Parse("uploads/s/other.jpg"), "w=100");
        await (await client.GetAsync($"/images/{Image}?w=100&sig={sig}")).ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Expired_signatures_are_403_and_expiry_never_names_a_rendition()
    {
        var client = Start(Key1);
        var now = _factories[0].Clock.GetUtcNow().ToUnixTimeSeconds();
        var problem = await (await client.GetAsync(Url($"w=120&exp={now - 1}"))).ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("expired", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        await client.GetImageAsync(Url($"w=120&exp={now + 60}"));
        var (second, _, _) = await client.GetImageAsync(Url($"w=120&exp={now + 3600}"));
        Assert.Contains("cache;desc=hit", second.Headers.GetValues("Server-Timing").Single(), StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(Path.Combine(_factories[0].DestinationRoot, "processed", Image), "w120*"));

        _factories[0].Clock.Advance(TimeSpan.FromMinutes(2));
        await (await client.GetAsync(Url($"w=120&exp={now + 60}"))).ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Keys_can_be_rotated()
    {
        var both = Start(Key2, Key1);
        Assert.Equal(HttpStatusCode.OK, (await both.GetAsync(Url("w=90", Key1))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await both.GetAsync(Url("w=91", Key2))).StatusCode);

        var newOnly = Start(Key2);
        await (await newOnly.GetAsync(Url("w=90", Key1))).ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("%00%01")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Garbage_signatures_are_403(string sig)
    {
        var client = Start(Key1);
        await (await client.GetAsync($"/images/{Image}?w=100&sig={sig}")).ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Bad_parameters_are_still_400_before_the_signature_is_checked()
    {
        var client = Start(Key1);
        await (await client.GetAsync($"/images/{Image}?w=0&sig=x")).ReadProblemAsync(HttpStatusCode.BadRequest);
    }
}
