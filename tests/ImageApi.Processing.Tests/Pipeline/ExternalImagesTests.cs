using System.Text.Json;
using ImageApi.Processing.Limits;
using ImageApi.Processing.Pipeline;
using ImageApi.Processing.Transforms;
using NetVips;

namespace ImageApi.Processing.Tests.Pipeline;

/// <summary>
/// Other projects' test images (tests/TestImages/external, with their sources and licences), each
/// rendered by the service and compared with a reference rendering: libvips at full decode, turned
/// upright, converted to sRGB through the file's own profile, and resized to the same size without
/// shrink on load. Thresholds are PSNR in dB over RGB, composited onto white.
/// </summary>
public class ExternalImagesTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly RenditionDefaults Defaults = new();
    private static readonly ImagePipeline Pipeline = new(new ProcessingLimits(), Defaults);

    private sealed record Entry(string File, string Format, int Width, int Height, int Orientation, bool Alpha, bool Animated, int Frames, string Expect);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly Entry[] Manifest = JsonSerializer.Deserialize<Entry[]>(File.ReadAllText(TestImages.PathOf("external/manifest.json")), Json)!;

    public static TheoryData<string> Renderable() => [.. Manifest.Where(e => e.Expect == "render").Select(e => e.File)];

    public static TheoryData<string> Refused() => [.. Manifest.Where(e => e.Expect != "render").Select(e => e.File)];

    private static Entry Of(string file) => Manifest.Single(e => e.File == file);

    private static RenderedImage Render(string file, RenditionSpec spec)
    {
        using var source = TestImages.Open("external/" + file);
        return Pipeline.Render(source, spec);
    }

    [Theory]
    [MemberData(nameof(Renderable))]
    public void Renders_like_libvips_at_full_decode(string file)
    {
        var entry = Of(file);
        var spec = new RenditionSpec(Math.Min(entry.Width, 320), null, FitMode.Inside, OutputFormats.Png, null);
        var rendered = Render(file, spec);
        Assert.Equal(Math.Min(entry.Width, 320), rendered.Width);
        var reference = Reference(TestImages.Bytes("external/" + file), rendered.Width, rendered.Height);
        var psnr = OnWhite(rendered.Content).Psnr(reference);
        output.WriteLine($"{file}: {rendered.Width}x{rendered.Height}, {psnr:0.0} dB");
        Assert.True(psnr >= 30, $"{file}: {psnr:0.0} dB against the reference");
    }

    [Theory]
    [MemberData(nameof(Renderable))]
    public void Header_facts_match_the_file(string file)
    {
        var entry = Of(file);
        using var source = TestImages.Open("external/" + file);
        var info = Pipeline.Inspect(source);
        Assert.Equal((entry.Width, entry.Height, entry.Orientation), (info.Width, info.Height, info.Orientation));
        Assert.Equal(entry.Format, info.Format.ToString().ToLowerInvariant());
        Assert.Equal(entry.Frames, info.Frames);
        if (entry.Alpha)
        {
            Assert.True(info.HasAlpha, $"{file} has transparency");
        }
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void Files_libvips_cannot_decode_are_refused_as_undecodable(string file) =>
        Assert.Throws<UndecodableImageException>(() => Render(file, new RenditionSpec(200, null, FitMode.Inside, OutputFormats.Webp, 80)));

    [Theory]
    // Landscape_1 keeps its (Apple Generic RGB) profile and 2–8 had theirs removed, so colours differ
    // slightly: 20 dB. A wrong turn or flip of these photos scores under 12 dB.
    [InlineData("sharp-Landscape_{0}-noicc.jpg", 2, 8, 20)]
    [InlineData("pillow-hopper_orientation_{0}.jpg", 2, 8, 25)]
    [InlineData("pillow-hopper_orientation_{0}.webp", 2, 8, 25)]
    public void Every_exif_orientation_comes_out_upright(string pattern, int first, int last, double threshold)
    {
        // Pillow's set has no orientation-1 JPEG; its WebP twin is the same picture upright.
        var upright = pattern.Contains("Landscape", StringComparison.Ordinal) ? "sharp-Landscape_1.jpg" : "pillow-hopper.webp";

        var spec = new RenditionSpec(120, null, FitMode.Inside, OutputFormats.Png, null);
        var expected = Decoded.From(Render(upright, spec).Content);
        for (var orientation = first; orientation <= last; orientation++)
        {
            var file = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, orientation);
            var actual = Decoded.From(Render(file, spec).Content);
            Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
            var psnr = actual.Psnr(expected);
            output.WriteLine($"{file}: {psnr:0.0} dB against orientation 1");
            Assert.True(psnr >= threshold, $"{file}: {psnr:0.0} dB against the upright file");
        }
    }

    [Fact]
    public void A_non_square_webp_with_orientation_6_is_turned()
    {
        var rendered = Render("derived-Landscape_6.webp", new RenditionSpec(300, null, FitMode.Inside, OutputFormats.Png, null));
        Assert.Equal((300, 225), (rendered.Width, rendered.Height));
        var upright = Decoded.From(Render("sharp-Landscape_1.jpg", new RenditionSpec(300, null, FitMode.Inside, OutputFormats.Png, null)).Content);
        // Derived from Landscape_6-noicc, so without the profile Landscape_1 has: 20 dB as above.
        Assert.True(Decoded.From(rendered.Content).Psnr(upright) >= 20);
    }

    [Theory]
    [InlineData("pngsuite-ftbbn3p08.png")]
    [InlineData("pngsuite-ftp1n3p08.png")]
    [InlineData("pngsuite-ftbbn0g04.png")]
    [InlineData("pngsuite-ftbwn0g16.png")]
    [InlineData("pngsuite-ftbrn2c08.png")]
    [InlineData("pillow-transparent.gif")]
    [InlineData("pillow-transparent.webp")]
    [InlineData("derived-basn6a08-lossless.webp")]
    [InlineData("sharp-rotating-squares.gif")]
    public void Transparency_is_kept_where_the_file_has_it(string file)
    {
        var entry = Of(file);
        var rendered = Decoded.From(Render(file, new RenditionSpec(entry.Width, null, FitMode.Inside, OutputFormats.Png, null)).Content);
        var source = Decoded.From(FullDecode(TestImages.Bytes("external/" + file)).PngsaveBuffer());
        Assert.True(rendered.HasAlpha);
        var transparent = 0;
        for (var y = 0; y < rendered.Height; y++)
        {
            for (var x = 0; x < rendered.Width; x++)
            {
                Assert.True(Math.Abs(rendered[x, y].A - source[x, y].A) <= 2, $"{file} alpha at {x},{y}: {rendered[x, y].A} vs {source[x, y].A}");
                transparent += source[x, y].A == 0 ? 1 : 0;
            }
        }

        Assert.True(transparent > 0, $"{file} has no transparent pixel to check");
    }

    [Theory]
    [InlineData("pillow-dispose_bgnd.gif")]
    [InlineData("sharp-rotating-squares.gif")]
    [InlineData("sharp-rotating-squares.webp")]
    public void Animations_render_their_first_frame(string file)
    {
        var entry = Of(file);
        var rendered = Decoded.From(Render(file, new RenditionSpec(entry.Width, null, FitMode.Inside, OutputFormats.Png, null)).Content);
        Assert.Equal((1, entry.Width, entry.Height), (rendered.Pages, rendered.Width, rendered.Height));
        var first = OnWhite(FullDecode(TestImages.Bytes("external/" + file)).PngsaveBuffer());
        Assert.True(OnWhite(Render(file, new RenditionSpec(entry.Width, null, FitMode.Inside, OutputFormats.Png, null)).Content).Psnr(first) >= 40);
    }

    [Fact]
    public void Display_p3_is_converted_to_srgb_not_relabelled()
    {
        const string file = "prism-pizza-rgb8-displayp3.jpg";
        var entry = Of(file);
        var spec = new RenditionSpec(entry.Width, null, FitMode.Inside, OutputFormats.Png, null);
        var rendered = OnWhite(Render(file, spec).Content);
        using var raw = SourceLoaderOpen(TestImages.Bytes("external/" + file));
        var unconverted = Decoded.From(raw.PngsaveBuffer());
        var converted = Reference(TestImages.Bytes("external/" + file), rendered.Width, rendered.Height);
        var toConverted = rendered.Psnr(converted);
        var toUnconverted = rendered.Psnr(unconverted);
        output.WriteLine($"P3: {toConverted:0.0} dB to the sRGB conversion, {toUnconverted:0.0} dB to the pixels taken as sRGB");
        Assert.True(toConverted >= 35 && toConverted > toUnconverted + 3, $"{toConverted:0.0} vs {toUnconverted:0.0} dB");
    }

    [Fact]
    public void Cmyk_with_a_profile_is_converted_through_it()
    {
        const string file = "derived-pil_sample_cmyk-icc.jpg";
        var entry = Of(file);
        var rendered = OnWhite(Render(file, new RenditionSpec(entry.Width, null, FitMode.Inside, OutputFormats.Png, null)).Content);
        Assert.True(rendered.Psnr(Reference(TestImages.Bytes("external/" + file), rendered.Width, rendered.Height)) >= 35);
    }

    /// <summary>libvips at full decode (no shrink on load), first frame, upright, sRGB through the file's own profile.</summary>
    private static Image FullDecode(byte[] bytes)
    {
        var image = SourceLoaderOpen(bytes).Autorot();
        if (image.Contains("icc-profile-data") || image.Interpretation == Enums.Interpretation.Cmyk)
        {
            image = image.IccTransform("srgb", embedded: true, inputProfile: image.Interpretation == Enums.Interpretation.Cmyk ? "cmyk" : "srgb");
        }

        image = image.Colourspace(Enums.Interpretation.Srgb);
        return image.Format == Enums.BandFormat.Uchar ? image : image.Cast(Enums.BandFormat.Uchar);
    }

    private static Image SourceLoaderOpen(byte[] bytes) =>
        ImageApi.Processing.Formats.SourceLoader.Open(bytes, SourceSniffer.Sniff(bytes, out _)!.Value, 1, Enums.Access.Random);

    private static Decoded Reference(byte[] bytes, int width, int height)
    {
        using var full = FullDecode(bytes);
        using var resized = full.HasAlpha()
            ? full.Premultiply().Resize((double)width / full.Width, vscale: (double)height / full.Height, kernel: Enums.Kernel.Lanczos3).Unpremultiply().Cast(Enums.BandFormat.Uchar)
            : full.Resize((double)width / full.Width, vscale: (double)height / full.Height, kernel: Enums.Kernel.Lanczos3);
        using var flat = resized.HasAlpha() ? resized.Flatten(background: [255, 255, 255]) : resized.Copy();
        return Decoded.From(flat.PngsaveBuffer());
    }

    private static Decoded OnWhite(byte[] png) => Decoded.From(png).OnWhite();
}
