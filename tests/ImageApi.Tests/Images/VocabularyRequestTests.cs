using System.Net;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Images;

/// <summary>GET /images with the vocabulary front-ends send: one stored rendition per output, and a 400 naming the parameter for every bad value.</summary>
public sealed class VocabularyRequestTests : IDisposable
{
    private const string Image = "uploads/v/photo.jpg";

    private readonly ImageApiFactory _app = new(new Dictionary<string, string?> { ["RateLimits:RenditionsPerMinute"] = "0" });

    public VocabularyRequestTests()
    {
        var path = Path.Combine(_app.SourceRoot, Image);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, TestImages.Bytes("photo-cups.jpg"));
    }

    public void Dispose() => _app.Dispose();

    // What requests made: the original was placed without an upload, so there is no default rendition beside them.
    private string[] Renditions()
    {
        var folder = Path.Combine(_app.DestinationRoot, "processed", Image);
        return Directory.Exists(folder) ? [.. Directory.EnumerateFiles(folder).Select(f => Path.GetFileName(f)).Where(n => !n.StartsWith('_')).Order()] : [];
    }

    [Theory]
    [InlineData("w=600", "dpr=2&w=300", "w600-hauto-inside-q80.webp")]
    [InlineData("w=640&format=auto&q=75", "width=640&auto=format&fit=max&quality=75", "w640-hauto-inside-q75.jpg")]
    [InlineData("w=300&h=200&fit=cover&format=jpeg", "fm=JPEG&fit=crop&height=100&width=150&dpr=2", "w300-h200-cover-q80.jpg")]
    [InlineData("rot=180&flip=h&w=100", "flip=v&w=100", "w100-hauto-inside-q80-r180-fliph.webp")]
    [InlineData("w=100&blur=1.5&sharpen=2", "sharpen=2.0&blur=01.50&w=0100", "w100-hauto-inside-q80-blur1.5-sharpen2.webp")]
    public async Task Spelling_variants_are_one_stored_object(string canonical, string variant, string name)
    {
        var client = _app.CreateClient();
        var (first, bytes, _) = await client.GetImageAsync($"/images/{Image}?{canonical}");
        var generated = _app.RenditionsGenerated;
        var (second, again, _) = await client.GetImageAsync($"/images/{Image}?{variant}");
        Assert.Equal(bytes, again);
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.Equal(generated, _app.RenditionsGenerated);
        Assert.Equal([name], Renditions());
    }

    [Theory]
    [InlineData("dpr=0&w=300", "dpr", "a number from 1 to 3 with at most 1 decimal")]
    [InlineData("dpr=4&w=300", "dpr", "a number from 1 to 3 with at most 1 decimal")]
    [InlineData("dpr=1.25&w=300", "dpr", "a number from 1 to 3 with at most 1 decimal")]
    [InlineData("fp-x=1.5&fp-y=0.5", "fp-x", "a number from 0 to 1 with at most 3 decimals")]
    [InlineData("bg=zzz", "bg", "6 hex digits (rrggbb) or 8 with alpha (rrggbbaa)")]
    [InlineData("rot=45", "rot", "one of 0, 90, 180, 270")]
    [InlineData("flip=x", "flip", "one of h, v, hv")]
    [InlineData("blur=0", "blur", "a number from 0.3 to 100 with at most 1 decimal")]
    [InlineData("sharpen=20", "sharpen", "a number from 0.5 to 10 with at most 1 decimal")]
    [InlineData("gravity=middle", "gravity", "one of center, north, south, east, west, northeast, northwest, southeast, southwest, smart, focal, auto")]
    [InlineData("w=300&width=400", "w", "a single value")]
    [InlineData("auto=compress", "format", "format")]
    public async Task Bad_values_are_a_400_naming_the_parameter_and_its_allowed_values(string query, string parameter, string allowed)
    {
        var problem = await (await _app.CreateClient().GetAsync($"/images/{Image}?{query}")).ReadProblemAsync(HttpStatusCode.BadRequest);
        var error = problem.GetProperty("errors").GetProperty(parameter);
        Assert.Equal(allowed, error.GetProperty("allowed").GetString());
        Assert.Contains($"'{parameter}'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(Renditions());
    }

    [Fact]
    public async Task New_parameters_reach_the_pixels()
    {
        var client = _app.CreateClient();
        var (_, _, turned) = await client.GetImageAsync($"/images/{Image}?rot=90&w=200");
        Assert.Equal((200, 320), (turned.Width, turned.Height));
        var (_, _, padded) = await client.GetImageAsync($"/images/{Image}?w=100&h=100&fit=contain&format=png&bg=ff0000");
        Assert.Equal((255, 0, 0, 255), padded[50, 2]);
    }
}
