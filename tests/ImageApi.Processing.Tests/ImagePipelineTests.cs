using System.Text;
using ImageApi.Processing.Limits;
using ImageApi.Processing.Pipeline;
using ImageApi.Processing.Transforms;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace ImageApi.Processing.Tests;

public class ImagePipelineTests
{
    private static readonly RenditionDefaults Defaults = new();
    private readonly ImagePipeline _pipeline = new(new ProcessingLimits(), Defaults);

    private static RenditionSpec Spec(int? w, int? h, FitMode fit = FitMode.Inside, OutputFormat format = OutputFormat.Webp) =>
        new(w, h, fit, format, format.IsLossy() ? 80 : null);

    private RenderedImage Render(string name, RenditionSpec spec)
    {
        using var source = TestImages.Open(name);
        return _pipeline.Render(source, spec);
    }

    private static Image<Rgba32> Decode(RenderedImage rendered) => Image.Load<Rgba32>(rendered.Content);

    [Fact]
    public void Default_rendition_of_a_photo_fits_inside_800_as_webp()
    {
        var rendered = Render("photo-cups.jpg", TransformRequest.Default(Defaults).Resolve(true, false));
        Assert.Equal((800, 500), (rendered.Width, rendered.Height));
        Assert.Equal("image/webp", rendered.ContentType);
        Assert.IsType<WebpFormat>(Image.DetectFormat(rendered.Content));
        using var image = Decode(rendered);
        Assert.Equal((800, 500), (image.Width, image.Height));
    }

    [Theory]
    [InlineData(FitMode.Cover, 300, 300)]
    [InlineData(FitMode.Contain, 300, 300)]
    [InlineData(FitMode.Fill, 300, 100)]
    [InlineData(FitMode.Inside, 300, 188)]
    public void Fit_modes_produce_their_sizes(FitMode fit, int width, int height)
    {
        var rendered = Render("photo-cups.jpg", Spec(300, fit == FitMode.Fill ? 100 : 300, fit));
        using var image = Decode(rendered);
        Assert.Equal((width, height), (image.Width, image.Height));
    }

    [Fact]
    public void Contain_pads_with_transparency_in_webp_and_white_in_jpeg()
    {
        using (var webp = Decode(Render("photo-cups.jpg", Spec(300, 300, FitMode.Contain))))
        {
            Assert.Equal(0, webp[150, 2].A);
            Assert.Equal(255, webp[150, 150].A);
        }

        using var jpeg = Decode(Render("photo-cups.jpg", Spec(300, 300, FitMode.Contain, OutputFormat.Jpeg)));
        AssertNear(new Rgba32(255, 255, 255), jpeg[150, 2], 8);
    }

    [Fact]
    public void Inside_never_enlarges()
    {
        using var image = Decode(Render("one-pixel.png", Spec(400, 400)));
        Assert.Equal((1, 1), (image.Width, image.Height));
        AssertNear(new Rgba32(0x33, 0x66, 0xcc), image[0, 0], 12);
    }

    [Fact]
    public void One_pixel_image_can_be_covered_to_a_box()
    {
        using var image = Decode(Render("one-pixel.png", Spec(50, 40, FitMode.Cover, OutputFormat.Png)));
        Assert.Equal((50, 40), (image.Width, image.Height));
        AssertNear(new Rgba32(0x33, 0x66, 0xcc), image[25, 20], 2);
    }

    [Fact]
    public void Exif_orientation_is_applied_and_all_metadata_is_stripped()
    {
        using var source = TestImages.Open("exif-rotated.jpg");
        Assert.Equal((400, 640), (_pipeline.Inspect(source).Width, _pipeline.Inspect(source).Height));

        foreach (var format in Enum.GetValues<OutputFormat>())
        {
            var rendered = Render("exif-rotated.jpg", Spec(200, null, FitMode.Inside, format));
            Assert.Equal((200, 320), (rendered.Width, rendered.Height));
            var text = Encoding.Latin1.GetString(rendered.Content);
            Assert.DoesNotContain("SECRET-1234", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Test Author", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Exif", text, StringComparison.Ordinal);
            Assert.DoesNotContain("x:xmpmeta", text, StringComparison.Ordinal);
            var info = Image.Identify(rendered.Content);
            Assert.Null(info.Metadata.ExifProfile);
            Assert.Null(info.Metadata.XmpProfile);
        }
    }

    [Fact]
    public void Cmyk_jpeg_keeps_its_colours()
    {
        // cmyk.jpg is photo-cups.jpg at 640×400, converted to CMYK by ImageMagick.
        using var fromCmyk = Decode(Render("cmyk.jpg", Spec(160, null, FitMode.Inside, OutputFormat.Png)));
        using var fromRgb = Decode(Render("photo-cups.jpg", Spec(160, null, FitMode.Inside, OutputFormat.Png)));
        Assert.Equal((fromRgb.Width, fromRgb.Height), (fromCmyk.Width, fromCmyk.Height));
        Assert.True(MeanAbsoluteDifference(fromRgb, fromCmyk) < 8, $"mean difference {MeanAbsoluteDifference(fromRgb, fromCmyk):F1}");
    }

    [Fact]
    public void Greyscale_jpeg_stays_grey()
    {
        using var image = Decode(Render("greyscale.jpg", Spec(320, null, FitMode.Inside, OutputFormat.Png)));
        Assert.Equal((320, 200), (image.Width, image.Height));
        for (var y = 0; y < image.Height; y += 17)
        {
            for (var x = 0; x < image.Width; x += 13)
            {
                var p = image[x, y];
                Assert.True(Math.Abs(p.R - p.G) <= 1 && Math.Abs(p.G - p.B) <= 1, $"({x},{y}) = {p}");
            }
        }
    }

    [Theory]
    [InlineData(OutputFormat.Webp)]
    [InlineData(OutputFormat.Png)]
    public void Transparency_survives_into_webp_and_png(OutputFormat format)
    {
        using var image = Decode(Render("alpha.png", Spec(240, null, FitMode.Inside, format)));
        Assert.Equal((240, 150), (image.Width, image.Height));
        Assert.Equal(0, image[2, 2].A);
        Assert.Equal(255, image[120, 75].A);
    }

    [Fact]
    public void Transparency_is_flattened_onto_white_in_jpeg()
    {
        using var image = Decode(Render("alpha.png", Spec(240, null, FitMode.Inside, OutputFormat.Jpeg)));
        AssertNear(new Rgba32(255, 255, 255), image[2, 2], 6);
    }

    [Fact]
    public void Sixteen_bit_png_comes_out_as_eight_bit()
    {
        var rendered = Render("deep-16bit.png", Spec(240, null, FitMode.Inside, OutputFormat.Png));
        var info = Image.Identify(rendered.Content);
        Assert.Equal(24, info.PixelType.BitsPerPixel);
        Assert.Equal((240, 150), (info.Width, info.Height));
    }

    [Fact]
    public void Animated_gif_gives_its_first_frame()
    {
        var rendered = Render("animated.gif", Spec(160, null, FitMode.Inside, OutputFormat.Gif));
        using var output = Image.Load<Rgba32>(rendered.Content);
        Assert.Equal(1, output.Frames.Count);

        using var all = Image.Load<Rgba32>(TestImages.Bytes("animated.gif"));
        using var first = all.Frames.CloneFrame(0);
        using var second = all.Frames.CloneFrame(1);
        first.Mutate(c => c.Resize(160, 100));
        second.Mutate(c => c.Resize(160, 100));
        Assert.True(MeanAbsoluteDifference(first, output) < MeanAbsoluteDifference(second, output) / 2);
    }

    [Fact]
    public void Webp_source_renders_to_jpeg()
    {
        var rendered = Render("wood.webp", Spec(400, null, FitMode.Inside, OutputFormat.Jpeg));
        Assert.IsType<JpegFormat>(Image.DetectFormat(rendered.Content));
        Assert.Equal((400, 400), (rendered.Width, rendered.Height));
    }

    [Fact]
    public void Png_and_gif_outputs_are_what_they_say()
    {
        Assert.IsType<PngFormat>(Image.DetectFormat(Render("photo-cups.jpg", Spec(100, null, FitMode.Inside, OutputFormat.Png)).Content));
        Assert.IsType<GifFormat>(Image.DetectFormat(Render("photo-cups.jpg", Spec(100, null, FitMode.Inside, OutputFormat.Gif)).Content));
    }

    [Fact]
    public void Quality_changes_lossy_output()
    {
        var low = Render("photo-cups.jpg", new RenditionSpec(400, null, FitMode.Inside, OutputFormat.Jpeg, 20));
        var high = Render("photo-cups.jpg", new RenditionSpec(400, null, FitMode.Inside, OutputFormat.Jpeg, 95));
        Assert.True(low.Content.Length * 2 < high.Content.Length, $"{low.Content.Length} vs {high.Content.Length}");
    }

    [Fact]
    public void Source_alpha_is_known_from_the_header()
    {
        Assert.True(Inspect("alpha.png").HasAlpha);
        Assert.False(Inspect("photo-cups.jpg").HasAlpha);
        Assert.False(Inspect("deep-16bit.png").HasAlpha);
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
    [InlineData("vector.svg", null)]
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
        using var source = TestImages.Open("photo-cups.jpg");
        var ex = Assert.Throws<SourceTooLargeException>(() => pipeline.Render(source, Spec(100, null)));
        Assert.Equal(1000, ex.Limit);
    }

    [Fact]
    public void Pixel_limit_is_enforced()
    {
        var pipeline = new ImagePipeline(new ProcessingLimits { MaxSourcePixels = 1280 * 800 - 1 }, Defaults);
        using var source = TestImages.Open("photo-cups.jpg");
        Assert.Throws<SourceTooManyPixelsException>(() => pipeline.Render(source, Spec(100, null)));
    }

    [Fact]
    public void Memory_limit_is_enforced()
    {
        var pipeline = new ImagePipeline(new ProcessingLimits { MaxAllocationMegabytes = 1 }, Defaults);
        using var source = TestImages.Open("photo-cups.jpg");
        Assert.Throws<SourceNeedsTooMuchMemoryException>(() => pipeline.Render(source, Spec(1000, null)));
    }

    [Fact]
    public void Memory_limit_holds_for_the_scaled_jpeg_decoder_too()
    {
        // 2560×1600 decoded at half size: 2 MB of luma coefficients alone.
        var pipeline = new ImagePipeline(new ProcessingLimits { MaxAllocationMegabytes = 1 }, Defaults);
        using var source = new MemoryStream(IntermediateTests.LargePhoto());
        Assert.Throws<SourceNeedsTooMuchMemoryException>(() => pipeline.Render(source, Spec(1200, null)));
    }

    [Fact]
    public void Output_limit_is_enforced_for_the_derived_side()
    {
        using var tall = new Image<Rgba32>(20, 3000);
        using var stream = new MemoryStream();
        tall.SaveAsPng(stream);
        stream.Position = 0;
        var pipeline = new ImagePipeline(new ProcessingLimits(), new RenditionDefaults { MaxWidth = 1000, MaxHeight = 1000 });
        var ex = Assert.Throws<OutputTooLargeException>(() => pipeline.Render(stream, Spec(20, null)));
        Assert.Equal((20, 3000), (ex.Width, ex.Height));
    }

    [Fact]
    public void Cancellation_stops_the_work()
    {
        using var source = TestImages.Open("photo-cups.jpg");
        Assert.ThrowsAny<OperationCanceledException>(() => _pipeline.Render(source, Spec(100, null), new CancellationToken(true)));
    }

    private static double MeanAbsoluteDifference(Image<Rgba32> a, Image<Rgba32> b)
    {
        double sum = 0;
        for (var y = 0; y < a.Height; y++)
        {
            for (var x = 0; x < a.Width; x++)
            {
                var p = a[x, y];
                var q = b[x, y];
                sum += Math.Abs(p.R - q.R) + Math.Abs(p.G - q.G) + Math.Abs(p.B - q.B);
            }
        }

        return sum / (a.Width * a.Height * 3.0);
    }

    private static void AssertNear(Rgba32 expected, Rgba32 actual, int tolerance) =>
        Assert.True(
            Math.Abs(expected.R - actual.R) <= tolerance && Math.Abs(expected.G - actual.G) <= tolerance && Math.Abs(expected.B - actual.B) <= tolerance,
            $"expected {expected}, got {actual}");
}
