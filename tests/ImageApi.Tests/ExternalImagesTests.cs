using System.Net;
using System.Text.Json;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests;

/// <summary>
/// The external corpus (tests/TestImages/external: files from sharp's, Pillow's, libjpeg-turbo's,
/// PngSuite's and other public test suites, described in its manifest.json) through GET /images:
/// every file renders at its displayed size with its real transparency, or is refused cleanly.
/// </summary>
public sealed class ExternalImagesTests : IClassFixture<ExternalImagesTests.Fixture>
{
    private readonly Fixture _fixture;
    private readonly HttpClient _client;

    public ExternalImagesTests(Fixture fixture)
    {
        _fixture = fixture;
        _client = fixture.Factory.CreateClient();
    }

    public sealed class Fixture : IDisposable
    {
        public ImageApiFactory Factory { get; } = new(new Dictionary<string, string?> { ["RateLimits:RenditionsPerMinute"] = "0" });

        public Fixture()
        {
            foreach (var entry in Manifest())
            {
                var path = Path.Combine(Factory.SourceRoot, Key(entry.File));
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.Copy(TestImages.PathOf("external/" + entry.File), path);
            }

            foreach (var name in new[] { "cmyk.jpg", "photo-cups.jpg" })
            {
                File.Copy(TestImages.PathOf(name), Path.Combine(Factory.SourceRoot, "uploads/external", name));
            }
        }

        public void Dispose() => Factory.Dispose();
    }

    public sealed record Entry(string File, string Format, int Width, int Height, int Orientation, bool Alpha, bool Animated, int Frames, string Expect);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly Lazy<List<Entry>> Entries = new(() =>
        JsonSerializer.Deserialize<List<Entry>>(File.ReadAllText(TestImages.PathOf("external/manifest.json")), Json)!);

    private static List<Entry> Manifest() => Entries.Value;

    private static string Key(string file) => "uploads/external/" + file;

    private static Entry Find(string file) => Manifest().Single(e => e.File == file);

    // The manifest's "422" is what libvips 8.14 on Debian 12's libjpeg-turbo 2.1 can do. NetVips' own
    // libvips 8.18 ships libjpeg-turbo 3, which decodes 8-bit lossless JPEG (SOF3); 12- and 16-bit
    // JPEGs still fail in libvips' 8-bit jpegload and stay 422.
    private static readonly HashSet<string> DecodableHere = ["sharp-testimgl.jpg"];

    public static TheoryData<string> Renderable => [.. Manifest().Where(e => e.Expect == "render" || DecodableHere.Contains(e.File)).Select(e => e.File)];

    public static TheoryData<string> Refused => [.. Manifest().Where(e => e.Expect == "422" && !DecodableHere.Contains(e.File)).Select(e => e.File)];

    [Theory]
    [MemberData(nameof(Renderable))]
    public async Task Each_file_renders_at_its_displayed_size_with_its_real_transparency(string file)
    {
        var entry = Find(file);

        // The default box (800×800, inside), never enlarged; the manifest's size is after EXIF orientation.
        var scale = Math.Min(1.0, Math.Min(800.0 / entry.Width, 800.0 / entry.Height));
        var expected = ((int)Math.Round(entry.Width * scale), (int)Math.Round(entry.Height * scale));

        // PNG output: lossless and with alpha, so what is transparent in the original stays measurable.
        var (_, _, image) = await _client.GetImageAsync($"/images/{Key(file)}?format=png");
        Assert.Equal(expected, (image.Width, image.Height));
        Assert.Equal(1, image.Pages); // an animation renders its first frame only
        Assert.Equal(entry.Alpha, HasTransparentPixel(image));

        // And the default rendition (WebP) too, for the same original.
        var (_, _, webp) = await _client.GetImageAsync($"/images/{Key(file)}");
        Assert.Equal(("webp", expected.Item1, expected.Item2), (webp.Format, webp.Width, webp.Height));
        Assert.Equal(entry.Alpha, HasTransparentPixel(webp));
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Truncated_and_undecodable_files_are_422_and_nothing_is_stored(string file)
    {
        var problem = await (await _client.GetAsync($"/images/{Key(file)}?w=100")).ReadProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("urn:imageapi:problem:undecodable", problem.GetProperty("type").GetString());
        var folder = Path.Combine(_fixture.Factory.DestinationRoot, "processed", Key(file));
        Assert.Equal(["_source.json"], Directory.GetFiles(folder).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("sharp-rotating-squares.gif", "gif")]
    [InlineData("sharp-rotating-squares.webp", "webp")]
    [InlineData("pillow-dispose_bgnd.gif", "gif")]
    public async Task Animations_render_their_first_frame_as_a_still(string file, string format)
    {
        // Into an animation-capable format: still one frame, not the animation.
        var (_, _, image) = await _client.GetImageAsync($"/images/{Key(file)}?format={format}");
        Assert.Equal(format, image.Format);
        Assert.Equal(1, image.Pages);
        Assert.Equal((Find(file).Width, Find(file).Height), (image.Width, image.Height));
    }

    public static TheoryData<string> Orientations =>
    [
        .. Enumerable.Range(2, 7).Select(n => $"sharp-Landscape_{n}-noicc.jpg"),
        "derived-Landscape_6.webp",
    ];

    [Theory]
    [MemberData(nameof(Orientations))]
    public async Task Every_exif_orientation_in_jpeg_and_webp_renders_upright(string file)
    {
        // Each file is the upright Landscape_1 stored turned or mirrored, with the Orientation tag that
        // undoes it: rendered, it must look like Landscape_1 (a missed flip or turn would not).
        var (_, _, upright) = await _client.GetImageAsync($"/images/{Key("sharp-Landscape_1.jpg")}?w=300&format=png");
        var (_, _, image) = await _client.GetImageAsync($"/images/{Key(file)}?w=300&format=png");
        Assert.Equal((300, 225), (image.Width, image.Height));
        var ssim = Ssim.Compare(upright, image);
        Assert.True(ssim > 0.8, $"{file}: SSIM {ssim:0.000} to the upright picture");
    }

    [Theory]
    [InlineData("pillow-hopper_orientation_2.webp")]
    [InlineData("pillow-hopper_orientation_3.webp")]
    [InlineData("pillow-hopper_orientation_4.webp")]
    [InlineData("pillow-hopper_orientation_5.webp")]
    [InlineData("pillow-hopper_orientation_6.webp")]
    [InlineData("pillow-hopper_orientation_7.webp")]
    [InlineData("pillow-hopper_orientation_8.webp")]
    [InlineData("pillow-hopper_orientation_6.jpg")]
    public async Task Square_webp_originals_honour_their_orientation_too(string file)
    {
        // Square, so only the pixels can tell: each must match the untagged hopper.webp.
        var (_, _, upright) = await _client.GetImageAsync($"/images/{Key("pillow-hopper.webp")}?format=png");
        var (_, _, image) = await _client.GetImageAsync($"/images/{Key(file)}?format=png");
        var ssim = Ssim.Compare(upright, image);
        Assert.True(ssim > 0.8, $"{file}: SSIM {ssim:0.000} to the upright picture");
    }

    [Fact]
    public async Task Cmyk_originals_are_converted_to_srgb()
    {
        // cmyk.jpg is photo-cups.jpg converted to CMYK (an Adobe CMYK JPEG, stored inverted): rendered,
        // the two agree; a missed inversion would be a negative, a missed conversion four bands.
        var (_, _, cmyk) = await _client.GetImageAsync("/images/uploads/external/cmyk.jpg?w=320&format=png");
        var (_, _, rgb) = await _client.GetImageAsync("/images/uploads/external/photo-cups.jpg?w=320&format=png");
        Assert.False(cmyk.HasAlpha);
        var difference = cmyk.MeanAbsoluteDifference(rgb);
        Assert.True(difference < CmykTolerance, $"mean difference {difference:0.0}");

        // The external CMYK sample's pixels with a profile go through that profile, not libvips' own
        // press profile (which an untagged file gets): the two colourings differ. That each matches
        // libvips' own conversion is checked in ImageApi.Processing.Tests (ExternalImagesTests).
        var (_, _, plain) = await _client.GetImageAsync($"/images/{Key("pillow-pil_sample_cmyk.jpg")}?format=png");
        var (_, _, tagged) = await _client.GetImageAsync($"/images/{Key("derived-pil_sample_cmyk-icc.jpg")}?format=png");
        Assert.False(plain.HasAlpha || tagged.HasAlpha);
        Assert.True(plain.MeanAbsoluteDifference(tagged) > 2, $"mean difference {plain.MeanAbsoluteDifference(tagged):0.0}: the embedded profile was not used");
    }

    // cmyk.jpg was made with ImageMagick's profile-less formula and is read back through libvips' press
    // profile (as sharp does, and as real print-workflow files expect): close, not exact.
    private const double CmykTolerance = 16;

    [Fact]
    public async Task Display_p3_originals_are_converted_to_srgb()
    {
        // The same Display P3 picture as JPEG and WebP (ICC in APP2 and in a VP8X ICCP chunk) renders
        // alike; the JPEG with its profile cut out (its P3 numbers read as sRGB) renders visibly duller.
        var (_, _, jpeg) = await _client.GetImageAsync($"/images/{Key("prism-pizza-rgb8-displayp3.jpg")}?w=200&format=png");
        var (_, _, webp) = await _client.GetImageAsync($"/images/{Key("prism-pizza-rgb8-displayp3-vp8x.webp")}?w=200&format=png");
        var place = Path.Combine(_fixture.Factory.SourceRoot, "uploads/external/p3-without-profile.jpg");
        await File.WriteAllBytesAsync(place, WithoutIccProfile(TestImages.Bytes("external/prism-pizza-rgb8-displayp3.jpg")));
        var (_, _, untagged) = await _client.GetImageAsync("/images/uploads/external/p3-without-profile.jpg?w=200&format=png");

        var same = jpeg.MeanAbsoluteDifference(webp);
        var converted = jpeg.MeanAbsoluteDifference(untagged);
        Assert.True(same < 3, $"JPEG and WebP: mean difference {same:0.00}");
        Assert.True(converted > same + 1, $"with and without the profile: mean difference {converted:0.00} (JPEG and WebP: {same:0.00})");
    }

    /// <summary>The JPEG without its APP2 ICC_PROFILE segments; every other byte as it was.</summary>
    private static byte[] WithoutIccProfile(byte[] jpeg)
    {
        var output = new List<byte>(jpeg.Length) { 0xFF, 0xD8 };
        var i = 2;
        while (i + 4 <= jpeg.Length && jpeg[i] == 0xFF && jpeg[i + 1] != 0xDA)
        {
            var length = (jpeg[i + 2] << 8) | jpeg[i + 3];
            var isIcc = jpeg[i + 1] == 0xE2 && System.Text.Encoding.ASCII.GetString(jpeg, i + 4, 11) == "ICC_PROFILE";
            if (!isIcc)
            {
                output.AddRange(jpeg.AsSpan(i, 2 + length));
            }

            i += 2 + length;
        }

        Assert.True(output.Count < i, "the JPEG had an ICC profile to remove");
        output.AddRange(jpeg.AsSpan(i));
        return [.. output];
    }

    private static bool HasTransparentPixel(Decoded image)
    {
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                if (image[x, y].A < 255)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
