using System.Net;
using System.Text.Json;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Security;

/// <summary>
/// Files in formats libvips could read but the service refuses (each has had decoder CVEs, or runs
/// code: SVG, PDF), disguised as JPEGs: a .jpg name and an image/jpeg content type. The service
/// sniffs the magic bytes itself and answers 415 naming what the file really is, before any libvips
/// loader sees a byte; the upload's event records the refusal.
/// </summary>
public sealed class UntrustedFormatTests : IClassFixture<UntrustedFormatTests.Fixture>
{
    private readonly Fixture _fixture;

    public UntrustedFormatTests(Fixture fixture) => _fixture = fixture;

    public sealed class Fixture : IDisposable
    {
        public ImageApiFactory Factory { get; } = new(new Dictionary<string, string?> { ["RateLimits:RenditionsPerMinute"] = "0" });

        public void Dispose() => Factory.Dispose();
    }

    public static TheoryData<string, string> Disguised => new()
    {
        { "tiff", "TIFF" },
        { "bmp", "BMP" },
        { "svg", "SVG" },
        { "pdf", "PDF" },
        { "heic", "HEIF" },
        { "avif-header", "AVIF" },
        { "avif-real", "AVIF" },
        { "vips-native", "VIPS" },
        { "vips-big-endian", "VIPS" },
    };

    private async Task<byte[]> BytesOfAsync(string kind) => kind switch
    {
        "tiff" => TestImages.Bytes("photo.tiff"),
        "bmp" => TestImages.Bytes("photo.bmp"),
        "svg" => TestImages.Bytes("vector.svg"),
        "pdf" => GeneratedImages.Pdf(),
        "heic" => GeneratedImages.HeifHeader("heic"),
        "avif-header" => GeneratedImages.HeifHeader("avif"),
        // A real AVIF, made by the service itself: AVIF is an output format, never an input one.
        "avif-real" => await RealAvifAsync(),
        "vips-native" => VipsNative(bigEndian: false),
        _ => VipsNative(bigEndian: true),
    };

    private static byte[] VipsNative(bool bigEndian)
    {
        var bytes = GeneratedImages.VipsNative();
        Assert.True(bytes is [0xB6, 0xA6, 0xF2, 0x08, ..] or [0x08, 0xF2, 0xA6, 0xB6, ..], "vipssave wrote a .v file");

        // The magic as a big-endian machine writes it (the header is not swapped: only the magic is sniffed).
        if (bigEndian)
        {
            new byte[] { 0x08, 0xF2, 0xA6, 0xB6 }.CopyTo(bytes, 0);
        }

        return bytes;
    }

    private async Task<byte[]> RealAvifAsync()
    {
        var client = _fixture.Factory.CreateClient();
        var ticket = await client.UploadAsync("photo-cups.jpg", "image/jpeg");
        var (_, bytes, image) = await client.GetImageAsync(ticket.Image("w=64&format=avif"));
        Assert.Equal("avif", image.Format);
        return bytes;
    }

    [Theory]
    [MemberData(nameof(Disguised))]
    public async Task A_disguised_file_is_415_naming_its_real_format_and_the_refusal_is_recorded(string kind, string format)
    {
        var client = _fixture.Factory.CreateClient();
        var ticket = await client.UploadBytesAsync(kind + ".jpg", "image/jpeg", await BytesOfAsync(kind));

        // The upload's event handler refuses it, logs why, and records the refusal next to the renditions.
        var folder = Path.Combine(_fixture.Factory.DestinationRoot, "processed", ticket.Key);
        var record = JsonDocument.Parse(await File.ReadAllTextAsync(await ApiClient.WaitForFileAsync(folder, "_source.json", TimeSpan.FromSeconds(30)))).RootElement;
        var rejection = record.GetProperty("rejection");
        Assert.Equal(415, rejection.GetProperty("status").GetInt32());
        Assert.Contains($"The original is {format};", rejection.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(["_source.json"], Directory.GetFiles(folder).Select(Path.GetFileName));
        await ApiClient.WaitForLogAsync(_fixture.Factory, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains(ticket.Key, StringComparison.Ordinal) && l.Contains("UnsupportedImageFormat", StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        // Every request for it, with or without parameters, gets the same problem.
        foreach (var query in new[] { "", "w=100", "w=50&format=png" })
        {
            var response = await client.GetAsync(ticket.Image(query));
            var problem = await response.ReadProblemAsync(HttpStatusCode.UnsupportedMediaType);
            Assert.Equal("urn:imageapi:problem:unsupported-format", problem.GetProperty("type").GetString());
            var detail = problem.GetProperty("detail").GetString()!;
            Assert.Contains($"The original is {format};", detail, StringComparison.Ordinal);
            Assert.Contains("JPEG, PNG, WebP, GIF", detail, StringComparison.Ordinal);
        }
    }
}
