using System.Text;
using ImageApi.Processing.Formats;
using ImageApi.Processing.Limits;
using ImageApi.Processing.Pipeline;
using ImageApi.Processing.Transforms;

namespace ImageApi.Processing.Tests.Pipeline;

public class ImagePipelineTests
{
    private static readonly RenditionDefaults Defaults = new();
    private readonly ImagePipeline _pipeline = new(new ProcessingLimits(), Defaults);

    public static TheoryData<string> Formats() => [.. OutputFormats.All.Select(f => f.Name)];

    private static RenditionSpec Spec(int? w, int? h, FitMode fit = FitMode.Inside, OutputFormat? format = null)
    {
        format ??= OutputFormats.Webp;
        return new(w, h, fit, format, format.IsLossy ? format.DefaultQuality : null);
    }

    private RenderedImage Render(string name, RenditionSpec spec) => Render(_pipeline, TestImages.Bytes(name), spec);

    private static RenderedImage Render(ImagePipeline pipeline, byte[] bytes, RenditionSpec spec)
    {
        using var source = new MemoryStream(bytes, writable: false);
        return pipeline.Render(source, spec);
    }

    private static Decoded Decode(RenderedImage rendered) => Decoded.From(rendered.Content);

    [Fact]
    public void Default_rendition_of_a_photo_fits_inside_800_as_webp()
    {
        var rendered = Render("photo-cups.jpg", TransformRequest.Default(Defaults).Resolve(Defaults));
        Assert.Equal((800, 500), (rendered.Width, rendered.Height));
        Assert.Equal("image/webp", rendered.ContentType);
        var image = Decode(rendered);
        Assert.Equal(("webp", 800, 500), (image.Format, image.Width, image.Height));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Every_format_is_what_it_says(string name)
    {
        var format = OutputFormats.Find(name)!;
        var rendered = Render("photo-cups.jpg", Spec(160, null, FitMode.Inside, format));
        var image = Decode(rendered);
        Assert.Equal((format.Name, 160, 100), (image.Format, image.Width, image.Height));
        Assert.Equal(format.ContentType, rendered.ContentType);
    }

    [Theory]
    [InlineData(FitMode.Cover, 300, 300)]
    [InlineData(FitMode.Contain, 300, 300)]
    [InlineData(FitMode.Fill, 300, 100)]
    [InlineData(FitMode.Inside, 300, 188)]
    public void Fit_modes_produce_their_sizes(FitMode fit, int width, int height)
    {
        var image = Decode(Render("photo-cups.jpg", Spec(300, fit == FitMode.Fill ? 100 : 300, fit)));
        Assert.Equal((width, height), (image.Width, image.Height));
    }

    [Fact]
    public void Cover_keeps_the_centre()
    {
        // The cover crop of a 1280×800 photo to 400×400 is the middle 800×800, scaled by a half.
        var cover = Decode(Render("photo-cups.jpg", Spec(400, 400, FitMode.Cover, OutputFormats.Png)));
        var inside = Decode(Render("photo-cups.jpg", Spec(640, 400, FitMode.Inside, OutputFormats.Png)));
        double error = 0;
        for (var y = 20; y < 380; y += 7)
        {
            for (var x = 20; x < 380; x += 7)
            {
                var (r1, g1, b1, _) = cover[x, y];
                var (r2, g2, b2, _) = inside[x + 120, y];
                error += Math.Abs(r1 - r2) + Math.Abs(g1 - g2) + Math.Abs(b1 - b2);
            }
        }

        Assert.True(error / (52 * 52 * 3) < 6, $"mean difference {error / (52 * 52 * 3):F1}");
    }

    [Fact]
    public void Contain_pads_with_transparency_where_the_format_has_alpha_and_white_in_jpeg()
    {
        var webp = Decode(Render("photo-cups.jpg", Spec(300, 300, FitMode.Contain)));
        Assert.Equal(0, webp[150, 2].A);
        Assert.Equal(255, webp[150, 150].A);

        var jpeg = Decode(Render("photo-cups.jpg", Spec(300, 300, FitMode.Contain, OutputFormats.Jpeg)));
        AssertNear((255, 255, 255), jpeg[150, 2], 8);
    }

    [Fact]
    public void Inside_never_enlarges()
    {
        var image = Decode(Render("one-pixel.png", Spec(400, 400)));
        Assert.Equal((1, 1), (image.Width, image.Height));
        AssertNear((0x33, 0x66, 0xcc), image[0, 0], 12);
    }

    [Theory]
    [InlineData(FitMode.Cover, 2000, 2000, 800, 800)]
    [InlineData(FitMode.Contain, 2000, 1000, 1280, 640)]
    [InlineData(FitMode.Fill, 1000, 2000, 400, 800)]
    public void Box_modes_keep_the_aspect_ratio_at_the_largest_size_the_original_allows(FitMode fit, int w, int h, int ow, int oh)
    {
        var image = Decode(Render("photo-cups.jpg", Spec(w, h, fit, OutputFormats.Png)));
        Assert.Equal((ow, oh), (image.Width, image.Height));
    }

    [Fact]
    public void Enlargement_is_allowed_only_when_configured()
    {
        var pipeline = new ImagePipeline(new ProcessingLimits(), new RenditionDefaults { AllowEnlargement = true });
        var image = Decode(Render(pipeline, TestImages.Bytes("one-pixel.png"), Spec(50, 40, FitMode.Cover, OutputFormats.Png)));
        Assert.Equal((50, 40), (image.Width, image.Height));
        AssertNear((0x33, 0x66, 0xcc), image[25, 20], 2);
        var inside = Decode(Render(pipeline, TestImages.Bytes("photo-cups.jpg"), Spec(2560, null)));
        Assert.Equal((2560, 1600), (inside.Width, inside.Height));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Exif_orientation_is_applied_and_no_metadata_reaches_the_output(string name)
    {
        Assert.Equal((400, 640), (Inspect("exif-rotated.jpg").Width, Inspect("exif-rotated.jpg").Height));
        var rendered = Render("exif-rotated.jpg", Spec(200, null, FitMode.Inside, OutputFormats.Find(name)));
        Assert.Equal((200, 320), (rendered.Width, rendered.Height));
        Assert.Equal((200, 320), (Decode(rendered).Width, Decode(rendered).Height));
        var text = Encoding.Latin1.GetString(rendered.Content);
        Assert.DoesNotContain("SECRET-1234", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Test Author", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exif", text, StringComparison.Ordinal);
        Assert.DoesNotContain("xmpmeta", text, StringComparison.Ordinal);
        Assert.DoesNotContain("48.8584", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Cmyk_jpeg_keeps_its_colours()
    {
        // cmyk.jpg is photo-cups.jpg at 640×400, converted to CMYK by ImageMagick's profile-less formula.
        // An untagged CMYK file is read through libvips' press profile (as sharp does, and as real
        // CMYK files from print workflows expect), so the round trip is close but not exact.
        var fromCmyk = Decode(Render("cmyk.jpg", Spec(160, null, FitMode.Inside, OutputFormats.Png)));
        var fromRgb = Decode(Render("photo-cups.jpg", Spec(160, null, FitMode.Inside, OutputFormats.Png)));
        Assert.True(fromRgb.MeanAbsoluteDifference(fromCmyk) < 16, $"mean difference {fromRgb.MeanAbsoluteDifference(fromCmyk):F1}");
    }

    [Fact]
    public void Greyscale_jpeg_stays_grey()
    {
        var image = Decode(Render("greyscale.jpg", Spec(320, null, FitMode.Inside, OutputFormats.Png)));
        Assert.Equal((320, 200), (image.Width, image.Height));
        for (var y = 0; y < image.Height; y += 17)
        {
            for (var x = 0; x < image.Width; x += 13)
            {
                var (r, g, b, _) = image[x, y];
                Assert.True(Math.Abs(r - g) <= 1 && Math.Abs(g - b) <= 1, $"({x},{y}) = {r},{g},{b}");
            }
        }
    }

    [Theory]
    [InlineData("webp")]
    [InlineData("png")]
    [InlineData("avif")]
    [InlineData("gif")]
    public void Transparency_survives_where_the_format_has_alpha(string name)
    {
        var image = Decode(Render("alpha.png", Spec(240, null, FitMode.Inside, OutputFormats.Find(name))));
        Assert.Equal((240, 150), (image.Width, image.Height));
        Assert.True(image.HasAlpha);
        Assert.Equal(0, image[2, 2].A);
        Assert.Equal(255, image[120, 75].A);
    }

    [Fact]
    public void Transparency_is_flattened_onto_white_in_jpeg()
    {
        var image = Decode(Render("alpha.png", Spec(240, null, FitMode.Inside, OutputFormats.Jpeg)));
        AssertNear((255, 255, 255), image[2, 2], 6);
    }

    [Fact]
    public void Sixteen_bit_png_comes_out_as_eight_bit_without_alpha()
    {
        var rendered = Render("deep-16bit.png", Spec(240, null, FitMode.Inside, OutputFormats.Png));
        // IHDR: bit depth at byte 24, colour type at 25 (2: RGB).
        Assert.Equal((8, 2), (rendered.Content[24], rendered.Content[25]));
        Assert.Equal((240, 150), (Decode(rendered).Width, Decode(rendered).Height));
    }

    [Fact]
    public void Animated_gif_gives_its_first_frame()
    {
        var output = Decode(Render("animated.gif", Spec(160, null, FitMode.Inside, OutputFormats.Png)));
        Assert.Equal(1, output.Pages);
        var first = Decode(Render("photo-cups.jpg", Spec(160, null, FitMode.Inside, OutputFormats.Png)));
        Assert.True(first.MeanAbsoluteDifference(output) < 12, $"mean difference to the first frame's photo {first.MeanAbsoluteDifference(output):F1}");
    }

    [Fact]
    public void Webp_source_renders_to_jpeg()
    {
        var rendered = Render("wood.webp", Spec(400, null, FitMode.Inside, OutputFormats.Jpeg));
        Assert.Equal(("jpeg", 400, 400), (Decode(rendered).Format, rendered.Width, rendered.Height));
    }

    [Theory]
    [InlineData("jpeg")]
    [InlineData("webp")]
    [InlineData("avif")]
    public void Quality_changes_lossy_output(string name)
    {
        var format = OutputFormats.Find(name)!;
        var low = Render("photo-cups.jpg", new RenditionSpec(400, null, FitMode.Inside, format, 20));
        var high = Render("photo-cups.jpg", new RenditionSpec(400, null, FitMode.Inside, format, 95));
        Assert.True(low.Content.Length * 2 < high.Content.Length, $"{low.Content.Length} vs {high.Content.Length}");
    }

    [Fact]
    public void Source_facts_come_from_the_header()
    {
        Assert.True(Inspect("alpha.png").HasAlpha);
        Assert.False(Inspect("photo-cups.jpg").HasAlpha);
        Assert.False(Inspect("deep-16bit.png").HasAlpha);
        Assert.Equal(3, Inspect("animated.gif").Frames);
        Assert.Equal(6, Inspect("exif-rotated.jpg").Orientation);
        Assert.Equal(480L * 300 * 3 * 2, Inspect("deep-16bit.png").DecodedBytes);
    }

    private SourceImageInfo Inspect(string name)
    {
        using var source = TestImages.Open(name);
        return _pipeline.Inspect(source);
    }

    [Theory]
    [InlineData("truncated.jpg")]
    [InlineData("zero-bytes.jpg")]
    public void Undecodable_originals_are_refused(string name) =>
        Assert.Throws<UndecodableImageException>(() => Render(name, Spec(100, null)));

    [Theory]
    [InlineData("text.jpg", null)]
    [InlineData("vector.svg", "SVG")]
    [InlineData("photo.bmp", "BMP")]
    [InlineData("photo.tiff", "TIFF")]
    public void Unsupported_formats_are_refused_without_decoding(string name, string? detected)
    {
        var ex = Assert.Throws<UnsupportedImageFormatException>(() => Render(name, Spec(100, null)));
        Assert.Equal(detected, ex.DetectedFormat);
        Assert.Contains("JPEG, PNG, WebP, GIF", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_claiming_30000_by_30000_is_refused_before_decoding()
    {
        var ex = Assert.Throws<SourceTooManyPixelsException>(() => Render("huge-header.png", Spec(100, null)));
        Assert.Equal((30000, 30000), (ex.Width, ex.Height));
    }

    [Fact]
    public void Byte_limit_is_enforced()
    {
        var pipeline = new ImagePipeline(new ProcessingLimits { MaxSourceBytes = 1000 }, Defaults);
        var ex = Assert.Throws<SourceTooLargeException>(() => Render(pipeline, TestImages.Bytes("photo-cups.jpg"), Spec(100, null)));
        Assert.Equal(1000, ex.Limit);
    }

    [Fact]
    public void Pixel_limit_is_enforced()
    {
        var pipeline = new ImagePipeline(new ProcessingLimits { MaxSourcePixels = (1280 * 800) - 1 }, Defaults);
        Assert.Throws<SourceTooManyPixelsException>(() => Render(pipeline, TestImages.Bytes("photo-cups.jpg"), Spec(100, null)));
    }

    [Fact]
    public void Memory_limit_counts_bands_and_bytes_per_sample()
    {
        // 1000×1000 RGBA: 4 MB in 8 bits, 8 MB in 16; the same pixel count, twice the memory.
        var pipeline = new ImagePipeline(new ProcessingLimits { MaxDecodedMegabytes = 6 }, Defaults);
        var eight = Render(pipeline, Photos.Png(1000, 1000, 4, sixteenBit: false), Spec(100, null));
        Assert.Equal(100, eight.Width);
        var ex = Assert.Throws<SourceNeedsTooMuchMemoryException>(() => Render(pipeline, Photos.Png(1000, 1000, 4, sixteenBit: true), Spec(100, null)));
        Assert.Equal(8_000_000, ex.Bytes);
    }

    [Fact]
    public void Frame_limit_is_enforced()
    {
        var pipeline = new ImagePipeline(new ProcessingLimits { MaxFrames = 10 }, Defaults);
        Render(pipeline, TestImages.ManyFrameGif(10), Spec(100, null));
        var ex = Assert.Throws<SourceTooManyFramesException>(() => Render(pipeline, TestImages.ManyFrameGif(11), Spec(100, null)));
        Assert.Equal(11, ex.Frames);
    }

    [Fact]
    public void Output_limit_is_enforced_for_the_derived_side()
    {
        var pipeline = new ImagePipeline(new ProcessingLimits(), new RenditionDefaults { MaxWidth = 1000, MaxHeight = 1000, AllowEnlargement = true });
        var ex = Assert.Throws<OutputTooLargeException>(() => Render(pipeline, Photos.Png(20, 3000, 3, false), Spec(20, null)));
        Assert.Equal((20, 3000), (ex.Width, ex.Height));
    }

    [Fact]
    public void Cancellation_stops_the_work()
    {
        using var source = TestImages.Open("photo-cups.jpg");
        Assert.ThrowsAny<OperationCanceledException>(() => _pipeline.Render(source, Spec(100, null), null, new CancellationToken(true)));
    }

    [Fact]
    public void Cancellation_stops_libvips_mid_image()
    {
        // A 7000×7000 PNG takes far longer to decode than the 50 ms before the token fires. The token is
        // cancelled by a thread of its own: a timer's callback waits for the thread pool, which the
        // other tests running in parallel can keep busy for longer than the render takes.
        var big = Photos.Png(7000, 7000, 3, sixteenBit: false);
        using var cancel = new CancellationTokenSource();
        var canceller = new Thread(() =>
        {
            Thread.Sleep(50);
            cancel.Cancel();
        });
        using var source = new MemoryStream(big);
        canceller.Start();
        Assert.ThrowsAny<OperationCanceledException>(() => _pipeline.Render(source, Spec(4000, null, FitMode.Inside, OutputFormats.Png), null, cancel.Token));
        canceller.Join();
    }

    internal static void AssertNear((int R, int G, int B) expected, (byte R, byte G, byte B, byte A) actual, int tolerance) =>
        Assert.True(
            Math.Abs(expected.R - actual.R) <= tolerance && Math.Abs(expected.G - actual.G) <= tolerance && Math.Abs(expected.B - actual.B) <= tolerance,
            $"expected {expected}, got {actual}");
}

/// <summary>Inputs the mutation fuzzer (tools/ImageApi.Fuzz) found, rebuilt from committed files.</summary>
public class FuzzFindingTests
{
    private readonly ImagePipeline _pipeline = new(new ProcessingLimits(), new RenditionDefaults());

    private RenderedImage Render(byte[] bytes, RenditionSpec spec)
    {
        using var source = new MemoryStream(bytes);
        return _pipeline.Render(source, spec);
    }

    /// <summary>A PNG whose IHDR claims another size (CRC fixed, so the parser believes it).</summary>
    private static byte[] PngClaiming(string name, int width, int height)
    {
        var png = TestImages.Bytes(name);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        var crc = Crc32(png.AsSpan(12, 17));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), crc);
        return png;
    }

    // PNG's chunk CRC (ISO 3309), bit by bit: a handful of bytes, no table needed.
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    [Theory]
    [InlineData("webp")]
    [InlineData("png")]
    public void A_truncated_jpeg_with_an_orientation_is_undecodable_not_a_crash(string format)
    {
        // The rotation's copy to memory is where libvips first pulls the damaged pixels.
        var bytes = TestImages.Bytes("external/sharp-Landscape_6-noicc.jpg");
        Assert.Throws<UndecodableImageException>(() => Render(bytes[..(bytes.Length * 2 / 3)], new RenditionSpec(200, null, FitMode.Inside, OutputFormats.Find(format)!, null)));
    }

    [Fact]
    public void A_very_wide_header_is_refused_for_its_memory_per_line()
    {
        // 1,000,000×32 in 16-bit RGBA is 244 MB by area, but every line libvips holds is 8 MB.
        var png = PngClaiming("external/pngsuite-basn6a16.png", 1_000_000, 32);
        Assert.Throws<SourceNeedsTooMuchMemoryException>(() => Render(png, new RenditionSpec(800, 800, FitMode.Inside, OutputFormats.Webp, 80)));
    }

    [Fact]
    public void An_extreme_aspect_ratio_is_refused_cleanly()
    {
        var png = PngClaiming("external/pngsuite-basn0g16.png", 1, 49_999_999);
        var ex = Record.Exception(() => Render(png, new RenditionSpec(90, 60, FitMode.Contain, OutputFormats.Gif, null)));
        Assert.True(ex is ImageRejectedException, $"got {ex?.GetType().Name}: {ex?.Message}");
    }
}
