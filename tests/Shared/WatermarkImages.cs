using NetVips;

namespace ImageApi.TestSupport;

/// <summary>
/// Watermark images and the flat originals that make a mark's effect exact to check, plus the
/// comparisons the watermark tests of both projects make between a marked and an unmarked render.
/// </summary>
internal static class WatermarkImages
{
    /// <summary>
    /// A mark: a solid rectangle of one colour and alpha, inside a fully transparent border, as a PNG
    /// (or a lossless WebP) with alpha.
    /// </summary>
    public static byte[] Mark(int width, int height, (byte R, byte G, byte B) colour, byte alpha = 255, int border = 0, bool webp = false)
    {
        using var solid = Image.Black(width - (2 * border), height - (2 * border), bands: 4).NewFromImage(colour.R, colour.G, colour.B, alpha);
        using var framed = solid.Embed(border, border, width, height, extend: Enums.Extend.Background, background: [0, 0, 0, 0]);
        using var srgb = framed.Copy(interpretation: Enums.Interpretation.Srgb).Cast(Enums.BandFormat.Uchar);
        return webp ? srgb.WebpsaveBuffer(lossless: true, keep: Enums.ForeignKeep.None) : srgb.PngsaveBuffer(keep: Enums.ForeignKeep.None);
    }

    /// <summary>An opaque original of one colour, as a PNG (lossless, so the only change a render makes is the mark).</summary>
    public static byte[] Flat(int width, int height, (byte R, byte G, byte B) colour)
    {
        using var flat = Image.Black(width, height, bands: 3).NewFromImage(colour.R, colour.G, colour.B);
        using var srgb = flat.Copy(interpretation: Enums.Interpretation.Srgb).Cast(Enums.BandFormat.Uchar);
        return srgb.PngsaveBuffer(keep: Enums.ForeignKeep.None);
    }

    /// <summary>The smallest rectangle holding every pixel that differs by more than <paramref name="tolerance"/> in any channel; null when none does.</summary>
    public static (int Left, int Top, int Width, int Height)? Changed(Decoded marked, Decoded unmarked, int tolerance = 8)
    {
        Assert.Equal((unmarked.Width, unmarked.Height), (marked.Width, marked.Height));
        int left = int.MaxValue, top = int.MaxValue, right = -1, bottom = -1;
        for (var y = 0; y < marked.Height; y++)
        {
            for (var x = 0; x < marked.Width; x++)
            {
                if (Difference(marked[x, y], unmarked[x, y]) > tolerance)
                {
                    (left, top, right, bottom) = (Math.Min(left, x), Math.Min(top, y), Math.Max(right, x), Math.Max(bottom, y));
                }
            }
        }

        return right < 0 ? null : (left, top, right - left + 1, bottom - top + 1);
    }

    /// <summary>The mean absolute difference per RGB channel inside a rectangle.</summary>
    public static double MeanDifference(Decoded a, Decoded b, (int Left, int Top, int Width, int Height) region)
    {
        double sum = 0;
        for (var y = region.Top; y < region.Top + region.Height; y++)
        {
            for (var x = region.Left; x < region.Left + region.Width; x++)
            {
                var (p, q) = (a[x, y], b[x, y]);
                sum += Math.Abs(p.R - q.R) + Math.Abs(p.G - q.G) + Math.Abs(p.B - q.B);
            }
        }

        return sum / (region.Width * region.Height * 3);
    }

    /// <summary>The 3×3 grid of regions of an image, row by row: northwest, north, northeast, west, centre, …</summary>
    public static (int Left, int Top, int Width, int Height)[] Grid(int width, int height) =>
        [.. from row in Enumerable.Range(0, 3) from column in Enumerable.Range(0, 3)
            select (column * width / 3, row * height / 3, ((column + 1) * width / 3) - (column * width / 3), ((row + 1) * height / 3) - (row * height / 3))];

    private static int Difference((byte R, byte G, byte B, byte A) p, (byte R, byte G, byte B, byte A) q) =>
        Math.Max(Math.Max(Math.Abs(p.R - q.R), Math.Abs(p.G - q.G)), Math.Max(Math.Abs(p.B - q.B), Math.Abs(p.A - q.A)));
}
