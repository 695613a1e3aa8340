using Microsoft.Extensions.DependencyInjection;

namespace ImageApi.Tests.Infrastructure;

/// <summary>
/// The watermark set-up the host tests share: an opaque red 100×40 mark in the southeast, a fifth of the
/// output's width, 10 px from the edges, fully opaque, so where it is can be checked exactly.
/// </summary>
internal static class Watermarking
{
    public static readonly (byte R, byte G, byte B) Red = (255, 0, 0);

    public static byte[] RedMark() => WatermarkImages.Mark(100, 40, Red);

    /// <summary>Another mark (blue), for changing the watermark.</summary>
    public static byte[] BlueMark() => WatermarkImages.Mark(100, 40, (0, 0, 255));

    /// <summary>Writes a mark where a test's app will read it and returns the settings that name it.</summary>
    public static Dictionary<string, string?> Settings(string folder, byte[] mark, string? keyPrefixes = null, int minWidth = 200)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "mark.png");
        File.WriteAllBytes(path, mark);
        return With(path, keyPrefixes, minWidth);
    }

    /// <summary>The settings for a mark at <paramref name="image"/> (a path or an s3:// URL).</summary>
    public static Dictionary<string, string?> With(string image, string? keyPrefixes = null, int minWidth = 200) => new()
    {
        ["Watermarks:Image"] = image,
        ["Watermarks:Gravity"] = "southeast",
        ["Watermarks:Margin"] = "10",
        ["Watermarks:Scale"] = "0.2",
        ["Watermarks:Opacity"] = "1",
        ["Watermarks:MinWidth"] = minWidth.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Watermarks:KeyPrefixes"] = keyPrefixes,
        ["Watermarks:RefreshInterval"] = "00:00:00",
    };

    /// <summary>Where the mark lands on an output of this size with these settings.</summary>
    public static (int Left, int Top, int Width, int Height) MarkRegion(int width, int height)
    {
        // A fifth of the width, but never more than twice the mark's own 100 px.
        var markWidth = Math.Min((int)Math.Round(width * 0.2), 200);
        var markHeight = (int)Math.Round(markWidth * 0.4);
        return (width - markWidth - 10, height - markHeight - 10, markWidth, markHeight);
    }

    /// <summary>The mark's region is red and differs from the unmarked render; the northwest third is the same within a codec's tolerance.</summary>
    public static void AssertMarked(Decoded marked, Decoded unmarked, string what)
    {
        var region = MarkRegion(marked.Width, marked.Height);
        var inMark = WatermarkImages.MeanDifference(marked, unmarked, region);
        var northwest = WatermarkImages.MeanDifference(marked, unmarked, WatermarkImages.Grid(marked.Width, marked.Height)[0]);
        Assert.True(inMark > 30, $"{what}: the mark's region differs by {inMark:0.00} on average");
        Assert.True(northwest < 3, $"{what}: the northwest differs by {northwest:0.00} on average");
        var (r, g, b, _) = marked[region.Left + (region.Width / 2), region.Top + (region.Height / 2)];
        Assert.True(r > 190 && g < 70 && b < 70, $"{what}: the mark's centre is ({r}, {g}, {b})");
    }

    /// <summary>Renders what the service would serve for <paramref name="spec"/> without any mark, with the app's own pipeline.</summary>
    public static Decoded Unmarked(ImageApiFactory app, byte[] original, Processing.Transforms.RenditionSpec spec)
    {
        var pipeline = app.Services.GetRequiredService<Processing.Pipeline.ImagePipeline>();
        using var source = new MemoryStream(original, writable: false);
        return Decoded.From(pipeline.Render(source, spec with { Watermark = null }).Content);
    }
}
