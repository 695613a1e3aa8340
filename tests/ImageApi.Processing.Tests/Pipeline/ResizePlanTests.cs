using ImageApi.Processing.Limits;
using ImageApi.Processing.Pipeline;
using ImageApi.Processing.Transforms;

namespace ImageApi.Processing.Tests.Pipeline;

public class ResizePlanTests
{
    [Theory]
    [InlineData(1280, 800, 800, 800, 800, 500)]
    [InlineData(800, 1280, 800, 800, 500, 800)]
    [InlineData(1280, 800, 400, null, 400, 250)]
    [InlineData(1280, 800, null, 100, 160, 100)]
    [InlineData(3, 1000, 800, 800, 2, 800)]
    [InlineData(1000, 1, 10, null, 10, 1)]
    [InlineData(640, 400, 800, 800, 640, 400)]
    public void Inside_keeps_aspect_and_fits(int sw, int sh, int? w, int? h, int ow, int oh)
    {
        var plan = ResizePlan.For(sw, sh, new RenditionSpec(w, h, FitMode.Inside, OutputFormat.Webp, 80), 4096, 4096);
        Assert.Equal((ow, oh), (plan.Width, plan.Height));
        Assert.Equal((ow, oh), (plan.ScaledWidth, plan.ScaledHeight));
    }

    [Theory]
    [InlineData(FitMode.Cover)]
    [InlineData(FitMode.Contain)]
    [InlineData(FitMode.Fill)]
    public void Box_modes_produce_the_box(FitMode fit)
    {
        var plan = ResizePlan.For(10, 10, new RenditionSpec(300, 200, fit, OutputFormat.Webp, 80), 4096, 4096, allowEnlargement: true);
        Assert.Equal((300, 200), (plan.Width, plan.Height));
    }

    [Fact]
    public void Cover_scales_to_fill_then_crops_and_contain_scales_to_fit_then_pads()
    {
        var cover = ResizePlan.For(2560, 1600, new RenditionSpec(300, 300, FitMode.Cover, OutputFormat.Webp, 80), 4096, 4096);
        Assert.Equal((480, 300, true, false), (cover.ScaledWidth, cover.ScaledHeight, cover.Crops, cover.Pads));
        var contain = ResizePlan.For(2560, 1600, new RenditionSpec(300, 300, FitMode.Contain, OutputFormat.Webp, 80), 4096, 4096);
        Assert.Equal((300, 188, false, true), (contain.ScaledWidth, contain.ScaledHeight, contain.Crops, contain.Pads));
        var tiny = ResizePlan.For(1, 1, new RenditionSpec(50, 40, FitMode.Cover, OutputFormat.Webp, 80), 4096, 4096, allowEnlargement: true);
        Assert.Equal((50, 50), (tiny.ScaledWidth, tiny.ScaledHeight));
    }

    [Theory]
    [InlineData(FitMode.Cover, 1280, 800, 2000, 2000, 800, 800)]
    [InlineData(FitMode.Contain, 1280, 800, 2000, 1000, 1280, 640)]
    [InlineData(FitMode.Fill, 1280, 800, 3000, 1000, 1280, 427)]
    [InlineData(FitMode.Cover, 1, 1, 50, 40, 1, 1)]
    [InlineData(FitMode.Cover, 1280, 800, 1280, 800, 1280, 800)]
    public void Without_enlargement_a_box_keeps_its_aspect_at_the_largest_size_the_original_allows(FitMode fit, int sw, int sh, int w, int h, int ow, int oh)
    {
        var plan = ResizePlan.For(sw, sh, new RenditionSpec(w, h, fit, OutputFormat.Webp, 80), 4096, 4096);
        Assert.Equal((ow, oh), (plan.Width, plan.Height));
        Assert.True(plan.ScaledWidth <= sw && plan.ScaledHeight <= sh, $"scaled to {plan.ScaledWidth}x{plan.ScaledHeight}");
    }

    [Fact]
    public void Inside_enlarges_only_when_allowed()
    {
        var spec = new RenditionSpec(2000, null, FitMode.Inside, OutputFormat.Webp, 80);
        Assert.Equal((1280, 800), (ResizePlan.For(1280, 800, spec, 4096, 4096).Width, ResizePlan.For(1280, 800, spec, 4096, 4096).Height));
        var enlarged = ResizePlan.For(1280, 800, spec, 4096, 4096, allowEnlargement: true);
        Assert.Equal((2000, 1250), (enlarged.Width, enlarged.Height));
    }

    [Fact]
    public void Cover_crops_from_the_centre_and_contain_pads_around_it()
    {
        var cover = ResizePlan.For(2560, 1600, new RenditionSpec(300, 300, FitMode.Cover, OutputFormat.Webp, 80), 4096, 4096);
        Assert.Equal((90, 0), (cover.CropLeft, cover.CropTop));
        var contain = ResizePlan.For(2560, 1600, new RenditionSpec(300, 300, FitMode.Contain, OutputFormat.Webp, 80), 4096, 4096);
        Assert.Equal((0, 56), (contain.PadLeft, contain.PadTop));
    }

    [Fact]
    public void Derived_side_over_the_maximum_is_refused() =>
        Assert.Throws<OutputTooLargeException>(() =>
            ResizePlan.For(10, 50000, new RenditionSpec(10, null, FitMode.Inside, OutputFormat.Webp, 80), 4096, 4096));
}
