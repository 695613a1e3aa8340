using ImageApi.Processing.Limits;
using ImageApi.Processing.Pipeline;
using ImageApi.Processing.Transforms;
using ImageApi.Processing.Watermarks;
using Xunit.Abstractions;

namespace ImageApi.Processing.Tests.Pipeline;

/// <summary>The watermark step through the whole pipeline: marked renders against the same renders unmarked.</summary>
public sealed class WatermarkStepTests(ITestOutputHelper output)
{
    private static readonly (byte, byte, byte) Red = (255, 0, 0);
    private static readonly (byte, byte, byte) Grey = (128, 128, 128);
    private readonly ImagePipeline _pipeline = new(new ProcessingLimits(), new RenditionDefaults());

    private static WatermarkPolicy Policy(byte[] mark, WatermarkSettings settings) => WatermarkPolicy.Create(mark, settings, new ProcessingLimits());

    private static RenditionSpec Spec(int width, OutputFormat? format = null, int? height = null, FitMode fit = FitMode.Inside)
    {
        format ??= OutputFormats.Png;
        return new(width, height, fit, format, format.IsLossy ? 90 : null);
    }

    private Decoded Render(byte[] original, RenditionSpec spec) => Decoded.From(RenderBytes(original, spec));

    private byte[] RenderBytes(byte[] original, RenditionSpec spec)
    {
        using var source = new MemoryStream(original, writable: false);
        return _pipeline.Render(source, spec).Content;
    }

    public static TheoryData<WatermarkPlacement, int> Placements => new()
    {
        // The placement and the cell of the 3×3 grid (row by row from the northwest) it must land in.
        { WatermarkPlacement.NorthWest, 0 },
        { WatermarkPlacement.North, 1 },
        { WatermarkPlacement.NorthEast, 2 },
        { WatermarkPlacement.West, 3 },
        { WatermarkPlacement.Center, 4 },
        { WatermarkPlacement.East, 5 },
        { WatermarkPlacement.SouthWest, 6 },
        { WatermarkPlacement.South, 7 },
        { WatermarkPlacement.SouthEast, 8 },
    };

    [Theory]
    [MemberData(nameof(Placements))]
    public void The_mark_is_where_the_gravity_says_and_nothing_else_changes(WatermarkPlacement placement, int cell)
    {
        // A real photo, 600×375 out; the mark is 0.2 of that (120×48) with a 10 px margin.
        var photo = TestImages.Bytes("photo-cups.jpg");
        var policy = Policy(WatermarkImages.Mark(100, 40, Red), new WatermarkSettings(placement, Margin: 10, Scale: 0.2, Opacity: 1, MinWidth: 0));
        var unmarked = Render(photo, Spec(600));
        var marked = Render(photo, Spec(600) with { Watermark = policy });

        var (width, height) = (600, 375);
        var (markWidth, markHeight, margin) = (120, 48, 10);
        var left = placement switch
        {
            WatermarkPlacement.NorthWest or WatermarkPlacement.West or WatermarkPlacement.SouthWest => margin,
            WatermarkPlacement.NorthEast or WatermarkPlacement.East or WatermarkPlacement.SouthEast => width - markWidth - margin,
            _ => (width - markWidth) / 2,
        };
        var top = placement switch
        {
            WatermarkPlacement.NorthWest or WatermarkPlacement.North or WatermarkPlacement.NorthEast => margin,
            WatermarkPlacement.SouthWest or WatermarkPlacement.South or WatermarkPlacement.SouthEast => height - markHeight - margin,
            _ => (height - markHeight) / 2,
        };
        Assert.Equal((left, top, markWidth, markHeight), WatermarkImages.Changed(marked, unmarked, tolerance: 0));

        var grid = WatermarkImages.Grid(width, height);
        for (var i = 0; i < grid.Length; i++)
        {
            var difference = WatermarkImages.MeanDifference(marked, unmarked, grid[i]);
            if (i == cell)
            {
                Assert.True(difference > 5, $"{placement}: cell {i} should hold the mark, mean difference {difference:0.00}");
            }
            else if (!Overlaps(grid[i], (left, top, markWidth, markHeight)))
            {
                Assert.Equal(0, difference);
            }
        }
    }

    [Theory]
    [InlineData(400, 100)]
    [InlineData(800, 200)]
    [InlineData(1200, 300)]
    [InlineData(2000, 400)] // a quarter would be 500: never more than twice the mark's own 200 px
    public void The_marks_size_follows_scale_on_every_output_width(int outputWidth, int expectedMarkWidth)
    {
        var flat = WatermarkImages.Flat(2400, 1600, Grey);
        var policy = Policy(WatermarkImages.Mark(200, 50, Red), new WatermarkSettings(WatermarkPlacement.SouthEast, Scale: 0.25, Opacity: 1, MinWidth: 0));
        var marked = Render(flat, Spec(outputWidth) with { Watermark = policy });
        var found = WatermarkImages.Changed(marked, Render(flat, Spec(outputWidth)));
        Assert.NotNull(found);
        var (_, _, width, height) = found.Value;
        Assert.Equal(expectedMarkWidth, width);
        Assert.Equal(expectedMarkWidth / 4, height);
    }

    [Theory]
    [InlineData(255, 0.6)]
    [InlineData(255, 0.25)]
    [InlineData(255, 1.0)]
    [InlineData(128, 0.5)]
    public void Opacity_blends_the_mark_as_over_does(byte markAlpha, double opacity)
    {
        var flat = WatermarkImages.Flat(800, 500, Grey);
        var policy = Policy(WatermarkImages.Mark(200, 100, Red, markAlpha), new WatermarkSettings(WatermarkPlacement.Center, Scale: 0.25, Opacity: opacity, MinWidth: 0));
        var marked = Render(flat, Spec(800) with { Watermark = policy });

        // "over" on an opaque background: out = mark × a + background × (1 − a), a = the mark's alpha × opacity.
        var a = markAlpha / 255.0 * opacity;
        var expectedRed = (255 * a) + (128 * (1 - a));
        var expectedOther = 128 * (1 - a);
        var (r, g, b, alpha) = marked[400, 250];
        output.WriteLine($"alpha {markAlpha} opacity {opacity}: ({r}, {g}, {b}), expected ({expectedRed:0.0}, {expectedOther:0.0}, {expectedOther:0.0})");
        Assert.InRange(r, expectedRed - 1.5, expectedRed + 1.5);
        Assert.InRange(g, expectedOther - 1.5, expectedOther + 1.5);
        Assert.InRange(b, expectedOther - 1.5, expectedOther + 1.5);
        Assert.Equal(255, alpha);
        Assert.False(marked.HasAlpha, "an opaque original stays without alpha");
        Assert.Equal((128, 128, 128, 255), marked[10, 10]);
    }

    [Fact]
    public void Tile_repeats_the_mark_over_the_whole_image_spaced_by_the_margin()
    {
        var flat = WatermarkImages.Flat(1200, 800, Grey);
        var policy = Policy(WatermarkImages.Mark(60, 20, Red), new WatermarkSettings(WatermarkPlacement.Tile, Margin: 40, Scale: 0.05, Opacity: 1, MinWidth: 0));
        var marked = Render(flat, Spec(1200) with { Watermark = policy });

        // Tiles are 60×20 marks 40 px apart: every 100×60 window anywhere holds some of one.
        for (var top = 0; top + 60 <= 800; top += 60)
        {
            for (var left = 0; left + 100 <= 1200; left += 100)
            {
                Assert.True(ContainsRed(marked, left, top, 100, 60), $"no mark in the window at {left},{top}");
            }
        }

        // Spaced, not a solid cover: the gaps between tiles are the original's grey.
        var grey = 0;
        for (var y = 0; y < 800; y++)
        {
            for (var x = 0; x < 1200; x++)
            {
                grey += marked[x, y] == (128, 128, 128, 255) ? 1 : 0;
            }
        }

        var share = grey / (1200.0 * 800);
        Assert.InRange(share, 0.75, 0.92); // 1 − (60×20)/(100×60) = 0.8 of the image is gap
    }

    [Fact]
    public void Min_width_leaves_thumbnails_unmarked()
    {
        var photo = TestImages.Bytes("photo-cups.jpg");
        var policy = Policy(WatermarkImages.Mark(100, 40, Red), new WatermarkSettings(MinWidth: 200));
        Assert.Equal(RenderBytes(photo, Spec(199)), RenderBytes(photo, Spec(199) with { Watermark = policy }));
        Assert.NotEqual(RenderBytes(photo, Spec(200)), RenderBytes(photo, Spec(200) with { Watermark = policy }));

        var everything = Policy(WatermarkImages.Mark(100, 40, Red), new WatermarkSettings(MinWidth: 0));
        Assert.NotEqual(RenderBytes(photo, Spec(64)), RenderBytes(photo, Spec(64) with { Watermark = everything }));
    }

    public static TheoryData<string> Formats() => [.. OutputFormats.All.Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(Formats))]
    public void Every_format_carries_the_mark(string name)
    {
        var format = OutputFormats.Find(name)!;
        var photo = TestImages.Bytes("photo-cups.jpg");
        var policy = Policy(WatermarkImages.Mark(100, 40, Red), new WatermarkSettings(WatermarkPlacement.SouthEast, Margin: 10, Scale: 0.2, Opacity: 1, MinWidth: 0));
        var unmarked = Render(photo, Spec(600, format));
        var marked = Render(photo, Spec(600, format) with { Watermark = policy });
        Assert.Equal(name, marked.Format);

        // GIF's palette and the lossy codecs change pixels a little everywhere; the mark by far more.
        var mark = WatermarkImages.MeanDifference(marked, unmarked, (470, 317, 120, 48));
        var northwest = WatermarkImages.MeanDifference(marked, unmarked, WatermarkImages.Grid(600, 375)[0]);
        output.WriteLine($"{name}: mark region {mark:0.00}, northwest {northwest:0.00}");
        Assert.True(mark > 40, $"{name}: the mark's region differs by {mark:0.00} on average");
        Assert.True(northwest < 3, $"{name}: the northwest differs by {northwest:0.00}");
        var (r, g, b, _) = marked[530, 341];
        Assert.True(r > 200 && g < 60 && b < 60, $"{name}: the mark's centre is ({r}, {g}, {b})");
    }

    [Fact]
    public void Transparent_originals_keep_their_alpha_under_the_mark()
    {
        var policy = Policy(WatermarkImages.Mark(100, 40, Red, border: 4), new WatermarkSettings(WatermarkPlacement.Center, Opacity: 1, MinWidth: 0));
        var marked = Render(TestImages.Bytes("alpha.png"), Spec(480) with { Watermark = policy });
        Assert.True(marked.HasAlpha);
        Assert.Equal(0, marked[0, 0].A);
        Assert.Equal((255, 0, 0, 255), marked[240, 150]);
    }

    [Fact]
    public void The_intermediate_is_never_marked_and_what_is_cut_from_it_is()
    {
        var original = GeneratedImages.LargePhoto();
        var policy = Policy(WatermarkImages.Mark(100, 40, Red), new WatermarkSettings(WatermarkPlacement.SouthEast, Opacity: 1, MinWidth: 0));
        var spec = Spec(600, OutputFormats.Webp);
        RenditionWithIntermediate Make(RenditionSpec s)
        {
            using var source = new MemoryStream(original, writable: false);
            return _pipeline.RenderWithIntermediate(source, s);
        }

        var plain = Make(spec);
        var marked = Make(spec with { Watermark = policy });
        Assert.NotNull(marked.Intermediate);
        Assert.Equal(plain.Intermediate!.Content, marked.Intermediate.Content);
        Assert.NotEqual(plain.Rendition.Content, marked.Rendition.Content);

        using var intermediate = new MemoryStream(marked.Intermediate.Content, writable: false);
        var cut = Decoded.From(_pipeline.Render(intermediate, Spec(400) with { Watermark = policy }, new Dimensions(2560, 1600)).Content);
        using var again = new MemoryStream(marked.Intermediate.Content, writable: false);
        var cutPlain = Decoded.From(_pipeline.Render(again, Spec(400), new Dimensions(2560, 1600)).Content);
        var found = WatermarkImages.Changed(cut, cutPlain);
        Assert.NotNull(found);
        Assert.Equal(80, found.Value.Width); // 0.2 of the 400 px output: marked at the output's size
    }

    private static bool ContainsRed(Decoded image, int left, int top, int width, int height)
    {
        for (var y = top; y < top + height; y++)
        {
            for (var x = left; x < left + width; x++)
            {
                if (image[x, y] is { R: > 200, G: < 60 })
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool Overlaps((int Left, int Top, int Width, int Height) a, (int Left, int Top, int Width, int Height) b) =>
        a.Left < b.Left + b.Width && b.Left < a.Left + a.Width && a.Top < b.Top + b.Height && b.Top < a.Top + a.Height;
}
