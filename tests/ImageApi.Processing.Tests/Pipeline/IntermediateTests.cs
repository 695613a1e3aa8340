using ImageApi.Processing.Limits;
using ImageApi.Processing.Pipeline;
using ImageApi.Processing.Transforms;
using NetVips;

namespace ImageApi.Processing.Tests.Pipeline;

/// <summary>The intermediate made with an original's first new size, and renditions cut from it instead of the original.</summary>
public class IntermediateTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly RenditionDefaults Defaults = new();
    private readonly ImagePipeline _pipeline = new(new ProcessingLimits(), Defaults, new PipelineOptions());

    private static readonly RenditionSpec W400 = new(400, null, FitMode.Inside, OutputFormats.Jpeg, 80);

    private RenditionWithIntermediate First(byte[] original, RenditionSpec? spec = null)
    {
        using var stream = new MemoryStream(original);
        return _pipeline.RenderWithIntermediate(stream, spec ?? W400);
    }

    [Fact]
    public void A_large_opaque_original_gets_a_jpeg_intermediate_and_the_rendition_from_one_decode()
    {
        var first = First(GeneratedImages.LargePhoto());
        Assert.NotNull(first.Intermediate);
        Assert.Equal((1600, 1000), (first.Intermediate.Width, first.Intermediate.Height));
        Assert.Equal("jpeg", Decoded.From(first.Intermediate.Content).Format);
        Assert.Equal((400, 250), (first.Rendition.Width, first.Rendition.Height));
        Assert.Equal((2560, 1600), (first.Source.Width, first.Source.Height));
    }

    [Fact]
    public void A_large_transparent_original_gets_a_webp_intermediate_with_its_alpha()
    {
        using var alpha = Image.PngloadBuffer(TestImages.Bytes("alpha.png"));
        using var large = alpha.Premultiply().Resize(2400.0 / alpha.Width).Unpremultiply().Cast(Enums.BandFormat.Uchar);
        var first = First(large.PngsaveBuffer(), new RenditionSpec(400, null, FitMode.Inside, OutputFormats.Png, null));
        Assert.NotNull(first.Intermediate);
        var intermediate = Decoded.From(first.Intermediate.Content);
        Assert.Equal(("webp", true), (intermediate.Format, intermediate.HasAlpha));
        Assert.Equal(0, intermediate[5, 5].A);
        Assert.Equal(0, Decoded.From(first.Rendition.Content)[2, 2].A);
    }

    [Fact]
    public void Small_originals_need_no_intermediate() => Assert.Null(First(TestImages.Bytes("photo-cups.jpg")).Intermediate);

    [Fact]
    public void A_rendition_larger_than_the_intermediate_is_made_from_the_original_without_one()
    {
        var first = First(GeneratedImages.LargePhoto(), new RenditionSpec(2000, null, FitMode.Inside, OutputFormats.Webp, 80));
        Assert.Null(first.Intermediate);
        Assert.Equal((2000, 1250), (first.Rendition.Width, first.Rendition.Height));
    }

    [Fact]
    public void Orientation_is_applied_before_the_intermediate_is_stored()
    {
        var first = First(Photos.Scaled("photo-cups.jpg", 3200, 2000, orientation: 6), TransformRequest.Default(Defaults).Resolve(Defaults));
        Assert.Equal((2000, 3200), (first.Source.Width, first.Source.Height));
        Assert.Equal((1000, 1600), (first.Intermediate!.Width, first.Intermediate.Height));
        Assert.Equal((500, 800), (first.Rendition.Width, first.Rendition.Height));
        var decoded = Decoded.From(first.Intermediate.Content);
        Assert.Equal((1000, 1600), (decoded.Width, decoded.Height));
        Assert.DoesNotContain("Exif", System.Text.Encoding.Latin1.GetString(first.Intermediate.Content), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400, null, FitMode.Inside, "jpeg")]
    [InlineData(1200, null, FitMode.Inside, "webp")]
    [InlineData(300, 300, FitMode.Cover, "webp")]
    [InlineData(300, 300, FitMode.Cover, "avif")]
    [InlineData(333, 200, FitMode.Fill, "png")]
    [InlineData(500, 500, FitMode.Contain, "png")]
    public void Renditions_from_the_intermediate_match_the_direct_path(int width, int? height, FitMode fit, string formatName)
    {
        var format = OutputFormats.Find(formatName)!;
        var original = GeneratedImages.LargePhoto();
        var first = First(original);
        var spec = new RenditionSpec(width, height, fit, format, format.IsLossy ? 80 : null);
        var source = new Dimensions(first.Source.Width, first.Source.Height);
        Assert.True(_pipeline.CanRenderFromIntermediate(spec, source, new(first.Intermediate!.Width, first.Intermediate.Height)));

        using var fromOriginal = new MemoryStream(original);
        var direct = _pipeline.Render(fromOriginal, spec);
        using var fromIntermediate = new MemoryStream(first.Intermediate.Content);
        var cut = _pipeline.Render(fromIntermediate, spec, source);
        var withIt = First(original, spec).Rendition;
        Assert.Equal((direct.Width, direct.Height), (cut.Width, cut.Height));
        Assert.Equal((direct.Width, direct.Height), (withIt.Width, withIt.Height));

        // The pixels kept in memory are the ones the first size was cut from: the same bytes come out.
        Assert.Equal(withIt.Content, _pipeline.Render(first.Decoded!, spec).Content);
        using var stored = new MemoryStream(first.Intermediate.Content);
        var decodedStored = _pipeline.Render(_pipeline.Decode(stored, source), spec);
        Assert.Equal((direct.Width, direct.Height), (decodedStored.Width, decodedStored.Height));

        // Against the truth: the original at full decode, resized (Lanczos3) and cut to the same box.
        var reference = Reference(original, spec, direct.Width, direct.Height);
        var viaOriginal = Ssim.Compare(reference, OnWhite(direct.Content));
        var viaIntermediate = Ssim.Compare(reference, OnWhite(cut.Content));
        var withIntermediate = Ssim.Compare(reference, OnWhite(withIt.Content));
        var viaDecodedStored = Ssim.Compare(reference, OnWhite(decodedStored.Content));
        output.WriteLine($"{width}x{height} {fit} {format}: SSIM direct {viaOriginal:0.0000}, from the intermediate {viaIntermediate:0.0000}, with it {withIntermediate:0.0000}, from it decoded whole {viaDecodedStored:0.0000}");
        Assert.True(viaIntermediate > viaOriginal - 0.01, $"direct {viaOriginal:0.0000}, from the intermediate {viaIntermediate:0.0000}");
        Assert.True(viaDecodedStored > viaOriginal - 0.01, $"direct {viaOriginal:0.0000}, from the intermediate decoded whole {viaDecodedStored:0.0000}");
        Assert.True(withIntermediate > viaOriginal - 0.01, $"direct {viaOriginal:0.0000}, with the intermediate {withIntermediate:0.0000}");
    }

    private Decoded Reference(byte[] original, RenditionSpec spec, int width, int height)
    {
        var plan = _pipeline.Plan(new Dimensions(2560, 1600), spec);
        using var full = Image.JpegloadBuffer(original);
        using var scaled = full.Resize((double)plan.ScaledWidth / full.Width, vscale: (double)plan.ScaledHeight / full.Height, kernel: Enums.Kernel.Lanczos3);
        using var boxed = plan.Crops ? scaled.ExtractArea(plan.CropLeft, plan.CropTop, width, height)
            : plan.Pads ? scaled.Embed(plan.PadLeft, plan.PadTop, width, height, extend: Enums.Extend.White)
            : scaled.Copy();
        return Decoded.From(boxed.PngsaveBuffer());
    }

    private static Decoded OnWhite(byte[] encoded) => Decoded.From(encoded).OnWhite();

    [Fact]
    public void The_pixels_kept_in_memory_are_upright_and_keep_alpha()
    {
        var turned = First(Photos.Scaled("photo-cups.jpg", 3200, 2000, orientation: 6)).Decoded!;
        Assert.Equal((1000, 1600, 1000L * 1600 * 3), (turned.Width, turned.Height, turned.Bytes));
        Assert.Equal(new Dimensions(2000, 3200), turned.Original);

        using var alpha = Image.PngloadBuffer(TestImages.Bytes("alpha.png"));
        using var large = alpha.Premultiply().Resize(2400.0 / alpha.Width).Unpremultiply().Cast(Enums.BandFormat.Uchar);
        var transparent = First(large.PngsaveBuffer(), new RenditionSpec(400, null, FitMode.Inside, OutputFormats.Png, null)).Decoded!;
        Assert.Equal((long)transparent.Width * transparent.Height * 4, transparent.Bytes);
        Assert.Equal(0, Decoded.From(_pipeline.Render(transparent, new RenditionSpec(300, null, FitMode.Inside, OutputFormats.Webp, 80)).Content)[2, 2].A);

        using var stored = new MemoryStream(First(large.PngsaveBuffer(), new RenditionSpec(400, null, FitMode.Inside, OutputFormats.Png, null)).Intermediate!.Content);
        Assert.Equal(transparent.Bytes, _pipeline.Decode(stored, transparent.Original).Bytes);
    }

    // The file decodes at 1/4 for 320 and 400 px and at 1/2 for the cover crop, at full size for 1200 px: there only the JPEG's own loss differs (≈ 40 dB on noise).
    [Theory]
    [InlineData(320, null, FitMode.Inside, 45)]
    [InlineData(400, null, FitMode.Inside, 45)]
    [InlineData(300, 300, FitMode.Cover, 45)]
    [InlineData(1200, null, FitMode.Inside, 38)]
    public void A_size_cut_from_the_pixels_in_memory_matches_one_cut_from_the_stored_file(int width, int? height, FitMode fit, double minimumPsnr)
    {
        // Whichever instance makes it, from the pixels it holds or from the file, a rendition looks the
        // same: the pixels are shrunk as the file's decode would be. Fine noise shows any other filter.
        using var noise = Image.Gaussnoise(3200, 2000, sigma: 60).Bandjoin(Image.Gaussnoise(3200, 2000, sigma: 60), Image.Gaussnoise(3200, 2000, sigma: 60))
            .Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
        var first = First(noise.PngsaveBuffer(compression: 1));
        var spec = new RenditionSpec(width, height, fit, OutputFormats.Png, null);
        var held = Decoded.From(_pipeline.Render(first.Decoded!, spec).Content);
        using var stored = new MemoryStream(first.Intermediate!.Content);
        var fromFile = Decoded.From(_pipeline.Render(stored, spec, first.Decoded!.Original).Content);
        var psnr = held.Psnr(fromFile);
        output.WriteLine($"{width}x{height} {fit}: PSNR held vs stored {psnr:0.00} dB");
        Assert.True(psnr > minimumPsnr, $"PSNR {psnr:0.00} dB");
    }

    [Fact]
    public void A_rendition_larger_than_the_pixels_in_memory_is_refused_not_enlarged()
    {
        var decoded = First(GeneratedImages.LargePhoto()).Decoded!;
        Assert.Throws<ArgumentException>(() => _pipeline.Render(decoded, new RenditionSpec(2000, null, FitMode.Inside, OutputFormats.Webp, 80)));
    }

    [Fact]
    public void A_damaged_stored_intermediate_is_refused_by_the_loaders()
    {
        var content = First(GeneratedImages.LargePhoto()).Intermediate!.Content;
        using var truncated = new MemoryStream(content[..(content.Length / 3)]);
        Assert.ThrowsAny<ImageRejectedException>(() => _pipeline.Decode(truncated, new Dimensions(2560, 1600)));
        using var other = new MemoryStream("<svg xmlns='http://www.w3.org/2000/svg'/>"u8.ToArray());
        Assert.ThrowsAny<ImageRejectedException>(() => _pipeline.Decode(other, new Dimensions(2560, 1600)));
    }

    [Theory]
    [InlineData(1601, null, FitMode.Inside, false)]
    [InlineData(1600, null, FitMode.Inside, true)]
    [InlineData(null, 1001, FitMode.Inside, false)]
    [InlineData(1600, 1600, FitMode.Cover, false)]
    [InlineData(1000, 1000, FitMode.Cover, true)]
    [InlineData(1600, 1600, FitMode.Contain, true)]
    [InlineData(1700, 1600, FitMode.Contain, false)]
    public void Only_sizes_that_fit_the_intermediate_are_cut_from_it(int? width, int? height, FitMode fit, bool expected)
    {
        var spec = new RenditionSpec(width, height, fit, OutputFormats.Webp, 80);
        Assert.Equal(expected, _pipeline.CanRenderFromIntermediate(spec, new(2560, 1600), new(1600, 1000)));
    }
}
