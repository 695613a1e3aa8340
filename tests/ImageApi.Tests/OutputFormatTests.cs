using System.Text;
using ImageApi.Processing.Formats;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests;

/// <summary>
/// Every output format, through GET /images: it decodes as what its Content-Type says, shows the
/// original's picture upright, and carries none of the original's metadata (EXIF with a camera serial,
/// GPS and artist; XMP with a creator).
/// </summary>
public sealed class OutputFormatTests : IClassFixture<OutputFormatTests.Fixture>
{
    private const string Key = "uploads/out/exif-rotated.jpg";
    private readonly HttpClient _client;

    public OutputFormatTests(Fixture fixture) => _client = fixture.Factory.CreateClient();

    public sealed class Fixture : IDisposable
    {
        public ImageApiFactory Factory { get; } = new(new Dictionary<string, string?> { ["RateLimits:RenditionsPerMinute"] = "0" });

        public Fixture()
        {
            var path = Path.Combine(Factory.SourceRoot, Key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, TestImages.Bytes("exif-rotated.jpg"));
        }

        public void Dispose() => Factory.Dispose();
    }

    public static TheoryData<string> Formats => [.. OutputFormats.All.Select(f => f.Name)];

    [Fact]
    public void The_original_really_carries_the_metadata_the_outputs_must_not()
    {
        var original = Encoding.Latin1.GetString(TestImages.Bytes("exif-rotated.jpg"));
        Assert.Contains("SECRET-1234", original, StringComparison.Ordinal);
        Assert.Contains("Test Author", original, StringComparison.Ordinal);
        Assert.Contains("Exif\0\0", original, StringComparison.Ordinal);
        Assert.Contains("http://ns.adobe.com/xap/1.0/", original, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Each_format_decodes_upright_and_carries_no_metadata(string format)
    {
        var (response, bytes, image) = await _client.GetImageAsync($"/images/{Key}?w=200&format={format}");
        Assert.Equal(OutputFormats.Find(format)!.ContentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(format, image.Format);

        // Stored 640×400 with Orientation 6: displayed 400×640, so 200 wide is 320 high.
        Assert.Equal((200, 320), (image.Width, image.Height));

        var text = Encoding.Latin1.GetString(bytes);
        Assert.DoesNotContain("SECRET-1234", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Test Author", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exif\0\0", text, StringComparison.Ordinal); // the EXIF header (JPEG APP1, AVIF Exif item)
        Assert.DoesNotContain("ns.adobe.com/xap", text, StringComparison.Ordinal); // XMP in any container
        Assert.DoesNotContain("eXIf", text, StringComparison.Ordinal); // PNG's EXIF chunk
        Assert.DoesNotContain("EXIF", text, StringComparison.Ordinal); // WebP's EXIF chunk
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Each_format_shows_the_same_picture(string format)
    {
        // Against the lossless PNG of the same rendition: the lossy formats and GIF's 256 colours stay
        // close (a wrong rotation, a channel swap or a garbled AVIF would not).
        var (_, _, reference) = await _client.GetImageAsync($"/images/{Key}?w=200&format=png");
        var (_, _, image) = await _client.GetImageAsync($"/images/{Key}?w=200&format={format}");
        var ssim = Ssim.Compare(reference, image);
        Assert.True(ssim > 0.85, $"{format}: SSIM {ssim:0.000} to the PNG");
        Assert.True(image.MeanAbsoluteDifference(reference) < 12, $"{format}: mean difference {image.MeanAbsoluteDifference(reference):0.0}");
    }

    [Fact]
    public async Task Avif_output_has_its_default_quality_and_a_higher_q_costs_more_bytes()
    {
        // q is part of AVIF's rendition (it is lossy), and quality null means the format's own default.
        var (_, defaultBytes, _) = await _client.GetImageAsync($"/images/{Key}?w=200&format=avif");
        var (_, explicitDefault, _) = await _client.GetImageAsync($"/images/{Key}?w=200&format=avif&q={OutputFormats.Avif.DefaultQuality}");
        var (_, high, _) = await _client.GetImageAsync($"/images/{Key}?w=200&format=avif&q=95");
        Assert.Equal(defaultBytes, explicitDefault);
        Assert.True(high.Length > defaultBytes.Length, $"q=95: {high.Length} bytes, default: {defaultBytes.Length} bytes");
    }
}
