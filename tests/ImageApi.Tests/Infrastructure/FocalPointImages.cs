using NetVips;

namespace ImageApi.Tests.Infrastructure;

/// <summary>An original with one marked point, and where that point lands in a crop: for the focal point tests on both stores.</summary>
internal static class FocalPointImages
{
    /// <summary>A white dot on black, 600×300, at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public static byte[] Dot(int x, int y)
    {
        using var black = Image.Black(600, 300, bands: 3);
        using var dot = black.Mutate(m => m.DrawRect([255, 255, 255], x - 15, y - 15, 30, 30, fill: true)).Copy(interpretation: Enums.Interpretation.Srgb);
        return dot.PngsaveBuffer(compression: 1);
    }

    /// <summary>Whether a 100×100 cover crop of <see cref="Dot"/> shows the dot, and where (its bright pixels' mean column).</summary>
    public static double DotColumn(Decoded crop)
    {
        double sum = 0, weighted = 0;
        for (var y = 0; y < crop.Height; y++)
        {
            for (var x = 0; x < crop.Width; x++)
            {
                var v = crop[x, y].R;
                (sum, weighted) = (sum + v, weighted + (v * x));
            }
        }

        return sum == 0 ? double.NaN : weighted / sum;
    }
}
