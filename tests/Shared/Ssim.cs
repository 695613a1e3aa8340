namespace ImageApi.TestSupport;

/// <summary>
/// Structural similarity (Wang et al. 2004) of two same-sized images, on luma, over 8×8 windows with
/// stride 4: 1 is identical; above about 0.95 differences are hard to see.
/// </summary>
internal static class Ssim
{
    public static double Compare(byte[] a, byte[] b) => Compare(Decoded.From(a), Decoded.From(b));

    public static double Compare(Decoded a, Decoded b)
    {
        if (a.Width != b.Width || a.Height != b.Height)
        {
            throw new ArgumentException($"Sizes differ: {a.Width}×{a.Height} and {b.Width}×{b.Height}.");
        }

        var x = a.Luma();
        var y = b.Luma();
        const double c1 = 6.5025, c2 = 58.5225; // (0.01·255)², (0.03·255)²
        double sum = 0;
        var windows = 0;
        for (var top = 0; top + 8 <= a.Height; top += 4)
        {
            for (var left = 0; left + 8 <= a.Width; left += 4)
            {
                double mx = 0, my = 0;
                for (var j = 0; j < 8; j++)
                {
                    for (var i = 0; i < 8; i++)
                    {
                        mx += x[top + j, left + i];
                        my += y[top + j, left + i];
                    }
                }

                mx /= 64;
                my /= 64;
                double vx = 0, vy = 0, cov = 0;
                for (var j = 0; j < 8; j++)
                {
                    for (var i = 0; i < 8; i++)
                    {
                        var dx = x[top + j, left + i] - mx;
                        var dy = y[top + j, left + i] - my;
                        vx += dx * dx;
                        vy += dy * dy;
                        cov += dx * dy;
                    }
                }

                vx /= 63;
                vy /= 63;
                cov /= 63;
                sum += ((2 * mx * my) + c1) * ((2 * cov) + c2) / (((mx * mx) + (my * my) + c1) * (vx + vy + c2));
                windows++;
            }
        }

        return windows == 0 ? 1 : sum / windows;
    }
}
