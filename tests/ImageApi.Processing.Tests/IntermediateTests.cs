using ImageApi.Processing.Limits;
using ImageApi.Processing.Pipeline;
using ImageApi.Processing.Transforms;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Processing;

namespace ImageApi.Processing.Tests;

/// <summary>The intermediate made with an original's first new size, and renditions cut from it instead of the original.</summary>
public class IntermediateTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly RenditionDefaults Defaults = new();
    private readonly ImagePipeline _pipeline = new(new ProcessingLimits(), Defaults, new PipelineOptions());

    /// <summary>A real photo at 2560×1600 (the cups photo scaled back up to its wallpaper size).</summary>
    internal static byte[] LargePhoto()
    {
        using var image = Image.Load(TestImages.Bytes("photo-cups.jpg"));
        image.Mutate(c => c.Resize(2560, 1600));
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream, new JpegEncoder { Quality = 92 });
        return stream.ToArray();
    }

    private static readonly RenditionSpec W400 = new(400, null, FitMode.Inside, OutputFormat.Jpeg, 80);

    private RenditionWithIntermediate First(byte[] original, RenditionSpec? spec = null)
    {
        using var stream = new MemoryStream(original);
        return _pipeline.RenderWithIntermediate(stream, spec ?? W400);
    }

    [Fact]
    public void A_large_opaque_original_gets_an_intermediate_and_the_rendition_from_one_decode()
    {
        var first = First(LargePhoto());
        Assert.NotNull(first.Intermediate);
        Assert.Equal((1600, 1000), (first.Intermediate.Width, first.Intermediate.Height));
        Assert.IsType<JpegFormat>(Image.DetectFormat(first.Intermediate.Content));
        Assert.Equal((400, 250), (first.Rendition.Width, first.Rendition.Height));
        Assert.Equal((2560, 1600), (first.Source.Width, first.Source.Height));
    }

    [Theory]
    [InlineData("photo-cups.jpg")]
    [InlineData("alpha.png")]
    public void Small_or_transparent_originals_need_no_intermediate(string name)
    {
        Assert.Null(First(TestImages.Bytes(name)).Intermediate);
    }

    [Fact]
    public void A_rendition_larger_than_the_intermediate_is_made_from_the_original_without_one()
    {
        var first = First(LargePhoto(), new RenditionSpec(2000, null, FitMode.Inside, OutputFormat.Webp, 80));
        Assert.Null(first.Intermediate);
        Assert.Equal((2000, 1250), (first.Rendition.Width, first.Rendition.Height));
    }

    [Fact]
    public void Orientation_is_applied_before_the_intermediate_is_stored()
    {
        using var image = Image.Load(TestImages.Bytes("exif-rotated.jpg"));
        image.Mutate(c => c.Resize(3200, 2000));
        image.Metadata.ExifProfile = new SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifProfile();
        image.Metadata.ExifProfile.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifTag.Orientation, (ushort)6);
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream);

        var first = First(stream.ToArray(), TransformRequest.Default(Defaults).Resolve(true, false));
        Assert.Equal((2000, 3200), (first.Source.Width, first.Source.Height));
        Assert.Equal((1000, 1600), (first.Intermediate!.Width, first.Intermediate.Height));
        Assert.Equal((500, 800), (first.Rendition.Width, first.Rendition.Height));
        Assert.Null(Image.Identify(first.Intermediate.Content).Metadata.ExifProfile);
    }

    [Theory]
    [InlineData(400, null, FitMode.Inside, OutputFormat.Jpeg)]
    [InlineData(1200, null, FitMode.Inside, OutputFormat.Webp)]
    [InlineData(300, 300, FitMode.Cover, OutputFormat.Webp)]
    [InlineData(300, 300, FitMode.Cover, OutputFormat.Png)]
    [InlineData(333, 200, FitMode.Fill, OutputFormat.Png)]
    [InlineData(500, 500, FitMode.Contain, OutputFormat.Png)]
    public void Renditions_from_the_intermediate_match_the_direct_path(int width, int? height, FitMode fit, OutputFormat format)
    {
        var original = LargePhoto();
        var first = First(original);
        var spec = new RenditionSpec(width, height, fit, format, format.IsLossy() ? 80 : null);
        var source = new Dimensions(first.Source.Width, first.Source.Height);
        Assert.True(ImagePipeline.CanRenderFromIntermediate(spec, source, new(first.Intermediate!.Width, first.Intermediate.Height), 4096, 4096));

        using var fromOriginal = new MemoryStream(original);
        var direct = _pipeline.Render(fromOriginal, spec);
        using var fromIntermediate = new MemoryStream(first.Intermediate.Content);
        var cut = _pipeline.Render(fromIntermediate, spec, source);
        var withIt = First(original, spec).Rendition;

        Assert.Equal((direct.Width, direct.Height), (cut.Width, cut.Height));
        Assert.Equal((direct.Width, direct.Height), (withIt.Width, withIt.Height));

        // Both against the truth: the original resized losslessly (Lanczos3) to the same box.
        using var reference = Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(original);
        reference.Mutate(c => c.Resize(new ResizeOptions
        {
            Size = new Size(direct.Width, direct.Height),
            Mode = fit switch { FitMode.Cover => ResizeMode.Crop, FitMode.Contain => ResizeMode.Pad, _ => ResizeMode.Stretch },
            Sampler = KnownResamplers.Lanczos3,
            PadColor = Color.White,
        }).BackgroundColor(Color.White));
        using var directImage = OnWhite(direct.Content);
        using var cutImage = OnWhite(cut.Content);
        var viaOriginal = Ssim.Compare(reference, directImage);
        var viaIntermediate = Ssim.Compare(reference, cutImage);
        using var withItImage = OnWhite(withIt.Content);
        var withIntermediate = Ssim.Compare(reference, withItImage);
        output.WriteLine($"{width}x{height} {fit} {format}: SSIM to the reference: direct {viaOriginal:0.0000}, from the intermediate {viaIntermediate:0.0000}, with it {withIntermediate:0.0000}");
        Assert.True(viaIntermediate > viaOriginal - 0.01, $"SSIM to the reference: direct {viaOriginal:0.0000}, from the intermediate {viaIntermediate:0.0000}");
        Assert.True(withIntermediate > viaOriginal - 0.01, $"SSIM to the reference: direct {viaOriginal:0.0000}, made with the intermediate {withIntermediate:0.0000}");
    }

    private static Image<SixLabors.ImageSharp.PixelFormats.Rgb24> OnWhite(byte[] encoded)
    {
        using var image = Image.Load<SixLabors.ImageSharp.PixelFormats.Rgba32>(encoded);
        image.Mutate(c => c.BackgroundColor(Color.White));
        return image.CloneAs<SixLabors.ImageSharp.PixelFormats.Rgb24>();
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
        var spec = new RenditionSpec(width, height, fit, OutputFormat.Webp, 80);
        Assert.Equal(expected, ImagePipeline.CanRenderFromIntermediate(spec, new(2560, 1600), new(1600, 1000), 4096, 4096));
    }
}
