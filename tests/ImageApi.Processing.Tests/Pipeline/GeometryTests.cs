using ImageApi.Processing.Limits;
using ImageApi.Processing.Pipeline;
using ImageApi.Processing.Transforms;
using NetVips;

namespace ImageApi.Processing.Tests.Pipeline;

/// <summary>
/// gravity, focal points, smart crops, rot and flip, bg, blur and sharpen, on generated images whose
/// answer is known and on real photos; each geometry both straight from the original and cut from
/// the intermediate, as later sizes are.
/// </summary>
public class GeometryTests
{
    private static readonly RenditionDefaults Defaults = new();
    private static readonly TransformParser Parser = new(Defaults);
    private readonly ImagePipeline _pipeline = new(new ProcessingLimits(), Defaults, new PipelineOptions());

    public static TheoryData<string> Paths => ["original", "intermediate"];

    private static readonly (string Name, byte R, byte G, byte B)[] Stripes = [("red", 255, 0, 0), ("green", 0, 255, 0), ("blue", 0, 0, 255), ("white", 255, 255, 255)];

    /// <summary>The spec a query makes, as the service renders it for an original without a focal point of its own.</summary>
    private static RenditionSpec Spec(string query) => Parser.Parse(QueryStrings.Pairs(query)).Request.Resolve(Defaults).ForOriginal(null);

    /// <summary>Renders straight from <paramref name="original"/>, or from the intermediate its first new size left behind.</summary>
    private Decoded Render(byte[] original, string query, string path)
    {
        var spec = Spec(query);
        if (path == "original")
        {
            using var stream = new MemoryStream(original);
            return Decoded.From(_pipeline.Render(stream, spec).Content);
        }

        using var first = new MemoryStream(original);
        var made = _pipeline.RenderWithIntermediate(first, Spec("w=400&format=jpeg"));
        Assert.NotNull(made.Intermediate);
        var size = new Dimensions(made.Source.Width, made.Source.Height);
        Assert.True(_pipeline.CanRenderFromIntermediate(spec, size, new(made.Intermediate.Width, made.Intermediate.Height)));
        using var intermediate = new MemoryStream(made.Intermediate.Content);
        return Decoded.From(_pipeline.Render(intermediate, spec, size).Content);
    }

    /// <summary>Four stripes, red, green, blue, white: side by side (<paramref name="vertical"/>) or one above the other.</summary>
    private static byte[] StripedPng(int width, int height, bool vertical)
    {
        var (w, h) = vertical ? (width / 4, height) : (width, height / 4);
        using var black = Image.Black(w, h, bands: 3);
        var parts = Stripes.Select(s => black.NewFromImage(s.R, s.G, s.B)).ToArray();
        var joined = parts.Skip(1).Aggregate(parts[0], (all, next) => all.Join(next, vertical ? Enums.Direction.Horizontal : Enums.Direction.Vertical));
        using var srgb = joined.Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
        return srgb.PngsaveBuffer(compression: 1);
    }

    private static string Nearest((byte R, byte G, byte B, byte A) pixel) =>
        Stripes.MinBy(s => Math.Abs(s.R - pixel.R) + Math.Abs(s.G - pixel.G) + Math.Abs(s.B - pixel.B)).Name;

    [Theory]
    [InlineData("original", "", "green", "blue")]
    [InlineData("original", "&gravity=north", "red", "green")]
    [InlineData("original", "&gravity=south", "blue", "white")]
    [InlineData("original", "&gravity=northeast", "red", "green")]
    [InlineData("intermediate", "&gravity=north", "red", "green")]
    [InlineData("intermediate", "&gravity=southwest", "blue", "white")]
    public void North_keeps_the_top_rows_and_south_the_bottom_ones(string path, string gravity, string top, string bottom)
    {
        var output = Render(StripedPng(1000, 2000, vertical: false), "w=100&h=100&fit=cover&format=png" + gravity, path);
        Assert.Equal((100, 100), (output.Width, output.Height));
        Assert.Equal((top, bottom), (Nearest(output[50, 20]), Nearest(output[50, 80])));
    }

    [Theory]
    [InlineData("original", "", "green", "blue")]
    [InlineData("original", "&gravity=east", "blue", "white")]
    [InlineData("original", "&gravity=west", "red", "green")]
    [InlineData("original", "&gravity=southeast", "blue", "white")]
    [InlineData("intermediate", "&gravity=east", "blue", "white")]
    [InlineData("intermediate", "&gravity=northwest", "red", "green")]
    public void East_keeps_the_right_columns_and_west_the_left_ones(string path, string gravity, string left, string right)
    {
        var output = Render(StripedPng(2000, 1000, vertical: true), "w=100&h=100&fit=cover&format=png" + gravity, path);
        Assert.Equal((left, right), (Nearest(output[20, 50]), Nearest(output[80, 50])));
    }

    [Fact]
    public void Sides_are_those_of_the_output_after_rot()
    {
        // Turned a quarter clockwise, the original's left (red) stripe is the output's top.
        var output = Render(StripedPng(2000, 1000, vertical: true), "w=100&h=100&fit=cover&format=png&rot=90&gravity=north", "original");
        Assert.Equal(("red", "green"), (Nearest(output[50, 20]), Nearest(output[50, 80])));
    }

    [Theory]
    [InlineData("original", 1250, 500, "", 50, 50)]
    [InlineData("original", 1900, 500, "", 90, 50)]
    [InlineData("original", 100, 500, "", 10, 50)]
    [InlineData("intermediate", 1250, 500, "", 50, 50)]
    [InlineData("intermediate", 1900, 500, "", 90, 50)]
    [InlineData("original", 1250, 500, "&rot=90", 50, 50)]
    [InlineData("original", 1900, 500, "&rot=90", 50, 90)]
    [InlineData("intermediate", 1900, 500, "&flip=h", 10, 50)]
    public void Focal_keeps_the_marked_point_as_central_as_the_image_allows(string path, int x, int y, string turn, int expectedX, int expectedY)
    {
        // A white dot on black; the crop is 100×100 of the 200×100 (or, turned, 100×200) scaled image.
        using var black = Image.Black(2000, 1000, bands: 3);
        using var dot = black.Mutate(m => m.DrawRect([255, 255, 255], x - 20, y - 20, 40, 40, fill: true)).Copy(interpretation: Enums.Interpretation.Srgb);
        var query = $"w=100&h=100&fit=cover&format=png&fp-x={x / 2000.0:0.###}&fp-y={y / 1000.0:0.###}" + turn;
        var output = Render(dot.PngsaveBuffer(compression: 1), query, path);
        var (cx, cy) = BrightCentre(output);
        Assert.True(Math.Abs(cx - expectedX) <= 2 && Math.Abs(cy - expectedY) <= 2, $"the point is at {cx:0.0},{cy:0.0}, expected {expectedX},{expectedY}");
    }

    private static (double X, double Y) BrightCentre(Decoded image)
    {
        double sum = 0, sx = 0, sy = 0;
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                var p = image[x, y];
                double v = p.R + p.G + p.B;
                (sum, sx, sy) = (sum + v, sx + (v * x), sy + (v * y));
            }
        }

        Assert.True(sum > 0, "the point is not in the crop at all");
        return (sx / sum, sy / sum);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Smart_keeps_the_one_salient_subject_on_a_flat_background(string path)
    {
        // A small saturated checkerboard far right of centre on flat grey: a centred crop misses it.
        using var grey = Image.Black(2400, 1200, bands: 3).NewFromImage(128, 128, 128);
        using var squares = Image.Black(160, 160, bands: 3).NewFromImage(255, 40, 0);
        using var xy = Image.Xyz(160, 160);
        using var checker = (((xy[0] / 20).Floor() + (xy[1] / 20).Floor()) % 2).Equal(0.0);
        using var subject = checker.Ifthenelse(squares, squares.NewFromImage(255, 230, 0));
        using var photo = grey.Insert(subject, 2000, 520).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
        var original = photo.JpegsaveBuffer(q: 92);

        var centred = Render(original, "w=150&h=150&fit=cover&format=png", path);
        var smart = Render(original, "w=150&h=150&fit=cover&format=png&gravity=smart", path);
        Assert.Equal(0, Saturated(centred));
        Assert.True(Saturated(smart) > 200, $"{Saturated(smart)} saturated pixels in the smart crop");
    }

    private static int Saturated(Decoded image)
    {
        var count = 0;
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                var p = image[x, y];
                count += p.R > 200 && p.B < 80 ? 1 : 0;
            }
        }

        return count;
    }

    [Theory]
    [InlineData("original", "rot=90", 400, 800, "red", "topright")]
    [InlineData("original", "rot=180", 800, 400, "red", "bottomright")]
    [InlineData("original", "rot=270", 400, 800, "red", "bottomleft")]
    [InlineData("original", "flip=h", 800, 400, "red", "topright")]
    [InlineData("original", "flip=v", 800, 400, "red", "bottomleft")]
    [InlineData("original", "flip=hv", 800, 400, "red", "bottomright")]
    [InlineData("original", "rot=90&flip=h", 400, 800, "red", "topleft")]
    [InlineData("intermediate", "rot=90", 400, 800, "red", "topright")]
    [InlineData("intermediate", "flip=h&rot=270", 400, 800, "red", "bottomright")]
    public void Rot_and_flip_move_pixels_where_they_say(string path, string query, int width, int height, string colour, string corner)
    {
        // Black with a red block in the top left corner.
        using var black = Image.Black(2000, 1000, bands: 3);
        using var marked = black.Mutate(m => m.DrawRect([255, 0, 0], 0, 0, 300, 300, fill: true)).Copy(interpretation: Enums.Interpretation.Srgb);
        var output = Render(marked.PngsaveBuffer(compression: 1), "format=png&" + query, path);
        Assert.Equal((width, height), (output.Width, output.Height));
        var (x, y) = corner switch
        {
            "topleft" => (5, 5),
            "topright" => (width - 5, 5),
            "bottomleft" => (5, height - 5),
            _ => (width - 5, height - 5),
        };
        Assert.Equal(colour, Nearest(output[x, y]));
        Assert.Equal(1, new[] { output[5, 5], output[width - 5, 5], output[5, height - 5], output[width - 5, height - 5] }.Count(p => p.R > 200));
    }

    [Fact]
    public void Rot_90_swaps_the_sides_of_a_real_photo_and_follows_the_exif_orientation()
    {
        Assert.Equal((800, 500), Size(Render(TestImages.Bytes("photo-cups.jpg"), "", "original")));
        Assert.Equal((500, 800), Size(Render(TestImages.Bytes("photo-cups.jpg"), "rot=90", "original")));
        Assert.Equal((300, 480), Size(Render(TestImages.Bytes("photo-cups.jpg"), "rot=270&w=300", "original")));

        // rot turns the upright image: an original stored sideways with EXIF 6 turns exactly as its upright twin.
        var upright = Photos.Scaled("photo-cups.jpg", 640, 400);
        var sideways = RotatedWithExif6(upright);
        var fromUpright = Render(upright, "rot=90&format=png", "original");
        var fromSideways = Render(sideways, "rot=90&format=png", "original");
        Assert.Equal(Size(fromUpright), Size(fromSideways));
        Assert.True(fromUpright.MeanAbsoluteDifference(fromSideways) < 3, $"{fromUpright.MeanAbsoluteDifference(fromSideways):0.00}");
    }

    private static (int, int) Size(Decoded image) => (image.Width, image.Height);

    // The same picture stored a quarter turn anticlockwise, with EXIF saying to turn it back.
    private static byte[] RotatedWithExif6(byte[] upright)
    {
        using var image = Image.JpegloadBuffer(upright);
        using var stored = image.Rot270();
        using var tagged = stored.Mutate(m => m.Set(GValue.GIntType, "orientation", 6));
        return tagged.JpegsaveBuffer(q: 95, keep: Enums.ForeignKeep.Exif);
    }

    [Theory]
    [InlineData("gravity=north", "top")]
    [InlineData("gravity=south", "bottom")]
    public void A_real_photo_cropped_north_is_its_top_and_south_its_bottom(string gravity, string expected)
    {
        var photo = TestImages.Bytes("photo-cups.jpg");
        var crop = Render(photo, "w=400&h=100&fit=cover&format=png&" + gravity, "original");
        var whole = Render(photo, "w=400&format=png", "original");
        Assert.Equal((400, 250), Size(whole));
        var top = Band(whole, 0);
        var bottom = Band(whole, 150);
        var (near, far) = expected == "top" ? (top, bottom) : (bottom, top);
        Assert.True(crop.MeanAbsoluteDifference(near) < 2 && crop.MeanAbsoluteDifference(far) > 10,
            $"{expected}: {crop.MeanAbsoluteDifference(near):0.00} to the {expected}, {crop.MeanAbsoluteDifference(far):0.00} to the other end");
    }

    [Fact]
    public void A_real_photo_cropped_east_is_its_right_columns()
    {
        var photo = TestImages.Bytes("photo-autumn.jpg");
        var crop = Render(photo, "w=100&h=250&fit=cover&format=png&gravity=east", "original");
        using var whole = Image.PngloadBuffer(EncodedPng(photo, "h=250"));
        Assert.Equal(400, whole.Width);
        var right = Decoded.From(whole.ExtractArea(300, 0, 100, 250).PngsaveBuffer());
        var left = Decoded.From(whole.ExtractArea(0, 0, 100, 250).PngsaveBuffer());
        Assert.True(crop.MeanAbsoluteDifference(right) < 2 && crop.MeanAbsoluteDifference(left) > 10,
            $"{crop.MeanAbsoluteDifference(right):0.00} to the right columns, {crop.MeanAbsoluteDifference(left):0.00} to the left ones");
    }

    private byte[] EncodedPng(byte[] original, string query)
    {
        using var stream = new MemoryStream(original);
        return _pipeline.Render(stream, Spec("format=png&" + query)).Content;
    }

    private static Decoded Band(Decoded whole, int top)
    {
        using var image = Image.NewFromMemory(Rows(whole, top, 100), whole.Width, 100, 4, Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
        return Decoded.From(image.PngsaveBuffer());
    }

    private static byte[] Rows(Decoded image, int top, int count)
    {
        var bytes = new byte[image.Width * count * 4];
        for (var y = 0; y < count; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                var (r, g, b, a) = image[x, top + y];
                var i = ((y * image.Width) + x) * 4;
                (bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]) = (r, g, b, a);
            }
        }

        return bytes;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Blur_lowers_and_sharpen_raises_high_frequency_energy(string path)
    {
        var photo = GeneratedImages.LargePhoto(2000, 1250);
        var plain = Energy(Render(photo, "w=400&format=png", path));
        var blurred = Energy(Render(photo, "w=400&format=png&blur=2", path));
        var sharpened = Energy(Render(photo, "w=400&format=png&sharpen=1.5", path));
        Assert.True(blurred < plain * 0.75, $"blurred {blurred:0.00}, plain {plain:0.00}");
        Assert.True(sharpened > plain * 1.1, $"sharpened {sharpened:0.00}, plain {plain:0.00}");

        // Neither filter moves the picture's brightness: they redistribute detail, nothing else.
        Assert.InRange(Mean(Render(photo, "w=400&format=png&sharpen=1.5", path)) - Mean(Render(photo, "w=400&format=png", path)), -2, 2);
    }

    private static double Mean(Decoded image)
    {
        double sum = 0;
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                sum += image[x, y].G;
            }
        }

        return sum / (image.Width * image.Height);
    }

    // Mean absolute difference of horizontally and vertically adjacent pixels: what detail costs.
    private static double Energy(Decoded image)
    {
        double sum = 0;
        for (var y = 0; y < image.Height - 1; y++)
        {
            for (var x = 0; x < image.Width - 1; x++)
            {
                var (p, right, below) = (image[x, y], image[x + 1, y], image[x, y + 1]);
                sum += Math.Abs(p.G - right.G) + Math.Abs(p.G - below.G);
            }
        }

        return sum / ((image.Width - 1) * (image.Height - 1));
    }

    [Fact]
    public void Blur_runs_before_sharpen_whatever_order_the_query_gives()
    {
        var photo = TestImages.Bytes("photo-cups.jpg");
        var given = Render(photo, "w=320&format=png&sharpen=3&blur=2", "original");
        using var plain = Image.PngloadBuffer(EncodedPng(photo, "w=320"));
        using var blurThenSharpen = plain.Gaussblur(2).Sharpen(sigma: 3);
        using var sharpenThenBlur = plain.Sharpen(sigma: 3).Gaussblur(2);
        var expected = given.MeanAbsoluteDifference(Decoded.From(blurThenSharpen.PngsaveBuffer()));
        var reversed = given.MeanAbsoluteDifference(Decoded.From(sharpenThenBlur.PngsaveBuffer()));
        Assert.True(expected < 0.5 && reversed > expected * 2, $"{expected:0.000} to blur then sharpen, {reversed:0.000} to sharpen then blur");
    }

    [Fact]
    public void Bg_pads_contain_and_flattens_jpeg()
    {
        var photo = TestImages.Bytes("photo-cups.jpg");
        var padded = Render(photo, "w=100&h=100&fit=contain&format=png&bg=ff000080", "original");
        Assert.Equal((255, 0, 0, 128), padded[50, 2]);
        Assert.Equal(255, padded[50, 50].A);
        var transparent = Render(photo, "w=100&h=100&fit=contain&format=png", "original");
        Assert.Equal(0, transparent[50, 2].A);
        var jpeg = Render(photo, "w=100&h=100&fit=contain&format=jpeg&bg=0000ff", "original");
        Assert.Equal("blue", Nearest(jpeg[50, 2]));

        // alpha.png's corners are transparent: flattened onto bg for JPEG, onto white without it.
        var onBlack = Render(TestImages.Bytes("alpha.png"), "format=jpeg&bg=000000", "original");
        var onWhite = Render(TestImages.Bytes("alpha.png"), "format=jpeg", "original");
        Assert.True(onBlack[2, 2].R < 20 && onWhite[2, 2].R > 235, $"{onBlack[2, 2]} on black, {onWhite[2, 2]} on white");
    }
}
