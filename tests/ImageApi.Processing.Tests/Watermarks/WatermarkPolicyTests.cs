using ImageApi.Processing.Limits;
using ImageApi.Processing.Naming;
using ImageApi.Processing.Transforms;
using ImageApi.Processing.Watermarks;

namespace ImageApi.Processing.Tests.Watermarks;

/// <summary>What a watermark image must be, what its settings may be, and how its fingerprint names renditions.</summary>
public sealed class WatermarkPolicyTests
{
    private static readonly (byte, byte, byte) Blue = (0, 0, 255);
    private static readonly ProcessingLimits Limits = new();

    private static byte[] Mark() => WatermarkImages.Mark(40, 20, Blue, border: 2);

    [Fact]
    public void A_png_or_webp_with_alpha_is_a_mark()
    {
        var png = WatermarkPolicy.Create(Mark(), new WatermarkSettings(), Limits);
        Assert.Equal((40, 20), (png.Width, png.Height));
        var webp = WatermarkPolicy.Create(WatermarkImages.Mark(40, 20, Blue, border: 2, webp: true), new WatermarkSettings(), Limits);
        Assert.Equal((40, 20), (webp.Width, webp.Height));
    }

    public static TheoryData<string, byte[], string> NotMarks => new()
    {
        { "a JPEG", TestImages.Bytes("photo-cups.jpg"), "is not a PNG or WebP (it is JPEG)" },
        { "a GIF", TestImages.Bytes("animated.gif"), "is not a PNG or WebP (it is GIF)" },
        { "a TIFF", TestImages.Bytes("photo.tiff"), "is not a PNG or WebP (it is TIFF)" },
        { "text", TestImages.Bytes("text.jpg"), "is not a PNG or WebP" },
        { "empty", [], "is not a PNG or WebP" },
        { "an opaque PNG", WatermarkImages.Flat(40, 20, (1, 2, 3)), "has no alpha channel" },
        { "a truncated PNG", Mark()[..60], "cannot be" },
        { "a PNG claiming 30000×30000", TestImages.Bytes("huge-header.png"), "cannot be used" },
    };

    [Theory]
    [MemberData(nameof(NotMarks))]
    public void Anything_else_is_refused_saying_why(string what, byte[] bytes, string reason)
    {
        var ex = Assert.Throws<InvalidWatermarkException>(() => WatermarkPolicy.Create(bytes, new WatermarkSettings(), Limits));
        Assert.True(ex.Message.Contains(reason, StringComparison.Ordinal), $"{what}: {ex.Message}");
    }

    public static TheoryData<WatermarkSettings, string> BadSettings => new()
    {
        { new WatermarkSettings(Placement: (WatermarkPlacement)99), "Gravity" },
        { new WatermarkSettings(Margin: -1), "Margin" },
        { new WatermarkSettings(Margin: 2.5), "Margin" },
        { new WatermarkSettings(Margin: double.NaN), "Margin" },
        { new WatermarkSettings(Scale: 0), "Scale" },
        { new WatermarkSettings(Scale: 1.01), "Scale" },
        { new WatermarkSettings(Opacity: -0.1), "Opacity" },
        { new WatermarkSettings(Opacity: 1.5), "Opacity" },
        { new WatermarkSettings(MinWidth: -1), "MinWidth" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Out_of_range_settings_are_named(WatermarkSettings settings, string setting)
    {
        Assert.Equal([setting], settings.Problems().Select(p => p.Setting));
        var ex = Assert.Throws<InvalidWatermarkException>(() => WatermarkPolicy.Create(Mark(), settings, Limits));
        Assert.Contains(setting, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.02)]
    [InlineData(0.999)]
    [InlineData(1.0)]
    [InlineData(24.0)]
    public void Margins_are_pixels_or_a_fraction(double margin) => Assert.Empty(new WatermarkSettings(Margin: margin).Problems());

    [Fact]
    public void The_fingerprint_changes_with_the_bytes_and_with_every_setting()
    {
        var basis = new WatermarkSettings();
        string Of(byte[] bytes, WatermarkSettings settings) => WatermarkPolicy.Create(bytes, settings, Limits).Fingerprint;
        var fingerprints = new[]
        {
            Of(Mark(), basis),
            Of(WatermarkImages.Mark(40, 20, (0, 0, 254), border: 2), basis),
            Of(Mark(), basis with { Placement = WatermarkPlacement.Tile }),
            Of(Mark(), basis with { Margin = 0.03 }),
            Of(Mark(), basis with { Scale = 0.3 }),
            Of(Mark(), basis with { Opacity = 0.5 }),
            Of(Mark(), basis with { MinWidth = 300 }),
        };
        Assert.Equal(fingerprints.Length, fingerprints.Distinct().Count());
        Assert.All(fingerprints, f => Assert.Matches("^[0-9a-f]{10}$", f));
        Assert.Equal(fingerprints[0], Of(Mark(), new WatermarkSettings()));
        Assert.Equal(WatermarkPolicy.Create(Mark(), basis, Limits), WatermarkPolicy.Create(Mark(), basis, Limits));
    }

    [Fact]
    public void A_marked_rendition_is_named_by_its_fingerprint_and_an_unmarked_one_is_named_as_before()
    {
        var source = SourceKey.Parse("uploads/a/cat.jpg");
        var spec = new RenditionSpec(400, null, FitMode.Inside, OutputFormats.Webp, 80);
        var policy = WatermarkPolicy.Create(Mark(), new WatermarkSettings(), Limits);
        var plain = new RenditionKey(source, spec);
        var marked = new RenditionKey(source, spec with { Watermark = policy });
        Assert.Equal("processed/uploads/a/cat.jpg/w400-hauto-inside-q80.webp", plain.Value);
        Assert.Equal($"processed/uploads/a/cat.jpg/w400-hauto-inside-q80-wm{policy.Fingerprint}.webp", marked.Value);
        Assert.Equal(policy.Fingerprint, RenditionKey.WatermarkOf(marked.Value));
        Assert.Null(RenditionKey.WatermarkOf(plain.Value));
        Assert.Null(RenditionKey.WatermarkOf("processed/uploads/a/cat.jpg/_source.json"));
        Assert.Null(RenditionKey.WatermarkOf("processed/uploads/a/cat.jpg/w400-hauto-inside-wmXYZ.png"));
        Assert.NotEqual(plain, marked);
    }
}
