using ImageApi.Processing.Pipeline;
using ImageApi.Processing.Pipeline.Steps;
using ImageApi.Processing.Transforms;
using NetVips;

namespace ImageApi.Processing.Tests.Pipeline;

/// <summary>Each step alone, on a context built for it.</summary>
public class StepTests
{
    private static PipelineContext Context(Image image, RenditionSpec spec, ResizePlan plan, int orientation = 1)
    {
        var info = new SourceImageInfo(SourceFormat.Png, orientation >= 5 ? image.Height : image.Width, orientation >= 5 ? image.Width : image.Height, image.HasAlpha(), 0) { Orientation = orientation };
        var context = new PipelineContext([], info, spec, plan, EncoderSettings.Default, default) { Image = image };
        return context;
    }

    private static RenditionSpec Png(int w, int? h, FitMode fit = FitMode.Inside) => new(w, h, fit, OutputFormats.Png, null);

    [Theory]
    [InlineData(SourceFormat.Jpeg, 5120, 2880, 800, 450, 4)]
    [InlineData(SourceFormat.Jpeg, 5120, 2880, 640, 360, 8)]
    [InlineData(SourceFormat.Jpeg, 5120, 2880, 641, 361, 4)]
    [InlineData(SourceFormat.Jpeg, 1280, 800, 1000, 625, 1)]
    [InlineData(SourceFormat.Webp, 4096, 4096, 800, 800, 5)]
    [InlineData(SourceFormat.Png, 4096, 4096, 800, 800, 1)]
    [InlineData(SourceFormat.Gif, 4096, 4096, 100, 100, 1)]
    public void Shrink_on_load_leaves_at_least_the_size_needed(SourceFormat format, int w, int h, int nw, int nh, int expected) =>
        Assert.Equal(expected, LoadStep.ShrinkFor(format, w, h, nw, nh));

    [Fact]
    public void Resize_premultiplies_so_hidden_colours_do_not_bleed()
    {
        // Left half opaque white, right half fully transparent *red*: red must not leak into the edge.
        var white = Image.Black(40, 40, bands: 4).NewFromImage(255, 255, 255, 255);
        var red = Image.Black(40, 40, bands: 4).NewFromImage(255, 0, 0, 0);
        var image = white.Join(red, Enums.Direction.Horizontal).Copy(interpretation: Enums.Interpretation.Srgb);
        using var context = Context(image, Png(20, null), new ResizePlan(20, 10, 20, 10, FitMode.Inside));
        new ResizeStep().Run(context);
        Assert.Equal((20, 10), (context.Image.Width, context.Image.Height));
        var pixel = context.Image.Getpoint(9, 5);
        Assert.True(pixel[1] > 240 && pixel[2] > 240, $"edge pixel {string.Join(",", pixel)}");
    }

    [Fact]
    public void A_pre_shrink_averages_boxes_first_still_premultiplied_and_lands_on_the_plan()
    {
        var white = Image.Black(400, 400, bands: 4).NewFromImage(255, 255, 255, 255);
        var red = Image.Black(401, 400, bands: 4).NewFromImage(255, 0, 0, 0);
        var image = white.Join(red, Enums.Direction.Horizontal).Copy(interpretation: Enums.Interpretation.Srgb);
        using var context = Context(image, Png(100, null), new ResizePlan(100, 50, 100, 50, FitMode.Inside));
        context.PreShrink = 4;
        new ResizeStep().Run(context);
        Assert.Equal((100, 50), (context.Image.Width, context.Image.Height));
        var edge = context.Image.Getpoint(49, 25);
        Assert.True(edge[1] > 240 && edge[2] > 240, $"edge pixel {string.Join(",", edge)}");
        Assert.Equal(Enums.BandFormat.Uchar, context.Image.Format);
    }

    [Fact]
    public void Orient_turns_a_quarter_turned_image_upright()
    {
        var wide = Image.Black(40, 20).Copy(interpretation: Enums.Interpretation.Bw);
        using var context = Context(wide, Png(20, null), new ResizePlan(20, 40, 20, 40, FitMode.Inside), orientation: 6);
        context.Image = wide.Mutate(m => m.Set(GValue.GIntType, "orientation", 6));
        new OrientStep().Run(context);
        Assert.Equal((20, 40), (context.Image.Width, context.Image.Height));
        Assert.True(context.Oriented);
    }

    [Fact]
    public void Flatten_composes_onto_white_only_for_formats_without_alpha()
    {
        // A context owns (and disposes) the images set on it: each gets its own.
        static Image Transparent() => Image.Black(4, 4, bands: 4).Copy(interpretation: Enums.Interpretation.Srgb);
        using (var jpeg = Context(Transparent(), new RenditionSpec(4, 4, FitMode.Inside, OutputFormats.Jpeg, 80), new ResizePlan(4, 4, 4, 4, FitMode.Inside)))
        {
            new FlattenStep().Run(jpeg);
            Assert.Equal(3, jpeg.Image.Bands);
            Assert.Equal([255.0, 255.0, 255.0], jpeg.Image.Getpoint(1, 1));
        }

        using var png = Context(Transparent(), Png(4, 4), new ResizePlan(4, 4, 4, 4, FitMode.Inside));
        new FlattenStep().Run(png);
        Assert.Equal(4, png.Image.Bands);
    }

    [Fact]
    public void Fit_crops_cover_at_the_plan_and_pads_contain_transparently()
    {
        static Image Wide() => Image.Black(30, 10).Copy(interpretation: Enums.Interpretation.Bw).Colourspace(Enums.Interpretation.Srgb);
        var cover = ResizePlan.For(30, 10, Png(10, 10, FitMode.Cover), 100, 100);
        using (var context = Context(Wide(), Png(10, 10, FitMode.Cover), cover))
        {
            new FitStep().Run(context);
            Assert.Equal((10, 10), (context.Image.Width, context.Image.Height));
        }

        var contain = new ResizePlan(30, 30, 30, 10, FitMode.Contain);
        using var padded = Context(Wide(), Png(30, 30, FitMode.Contain), contain);
        new FitStep().Run(padded);
        Assert.Equal((30, 30, 4), (padded.Image.Width, padded.Image.Height, padded.Image.Bands));
        Assert.Equal(0, padded.Image.Getpoint(15, 2)[3]);
        Assert.Equal(255, padded.Image.Getpoint(15, 15)[3]);
    }

    [Fact]
    public void To_srgb_makes_8_bit_srgb_of_16_bit_grey()
    {
        var grey = (Image.Black(4, 4) + 30000).Cast(Enums.BandFormat.Ushort).Copy(interpretation: Enums.Interpretation.Grey16);
        using var context = Context(grey, Png(4, 4), new ResizePlan(4, 4, 4, 4, FitMode.Inside));
        new ToSrgbStep().Run(context);
        Assert.Equal((Enums.Interpretation.Srgb, Enums.BandFormat.Uchar, 3), (context.Image.Interpretation, context.Image.Format, context.Image.Bands));
        Assert.InRange(context.Image.Getpoint(0, 0)[0], 115, 118);
    }
}
