using System.Text.Json;
using NetVips;

/// <summary>
/// SSIM and PSNR of every saved output against the source: the original, oriented, decoded at full
/// size and resized by libvips with Lanczos-3 (no box pre-shrink) to the output's size (cover: to fill,
/// then the centre), compared on luma (SSIM) and RGB (PSNR). Engines crop cover by their own rounding,
/// so each comparison takes the best of the alignments within one pixel.
/// </summary>
internal static class Quality
{
    public static void Report(string corpus, string root)
    {
        var results = new List<object>();
        var references = new Dictionary<(string, int, int, bool), Pixels>();
        foreach (var scenarioDirectory in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            var scenario = Path.GetFileName(scenarioDirectory);
            foreach (var engineDirectory in Directory.GetDirectories(scenarioDirectory).Order(StringComparer.Ordinal))
            {
                var ssims = new List<double>();
                var psnrs = new List<double>();
                foreach (var output in Directory.GetFiles(engineDirectory).Order(StringComparer.Ordinal))
                {
                    var candidate = Pixels.From(File.ReadAllBytes(output));
                    var original = Path.Combine(corpus, Path.GetFileName(output));
                    var cover = scenario == "cover300";
                    var key = (original, candidate.Width, candidate.Height, cover);
                    if (!references.TryGetValue(key, out var reference))
                    {
                        reference = references[key] = Reference(File.ReadAllBytes(original), candidate.Width, candidate.Height, cover);
                    }

                    var (ssim, psnr) = BestAligned(reference, candidate);
                    ssims.Add(ssim);
                    psnrs.Add(psnr);
                }

                results.Add(new { scenario, engine = Path.GetFileName(engineDirectory), ssim = ssims.Average(), min = ssims.Min(), psnr = psnrs.Average(), files = ssims.Count });
            }
        }

        Console.WriteLine(JsonSerializer.Serialize(results));
    }

    /// <summary>The original at full size, oriented, resized with Lanczos-3 to fill the box (cover: then the centre cut).</summary>
    public static Pixels Reference(byte[] original, int width, int height, bool cover)
    {
        using var loaded = Pixels.Load(original);
        using var upright = loaded.Autorot();
        using var srgb = Pixels.ToSrgb(upright);
        var hscale = (double)width / srgb.Width;
        var vscale = (double)height / srgb.Height;
        if (cover)
        {
            hscale = vscale = Math.Max(hscale, vscale);
        }

        using var resized = srgb.Resize(hscale, vscale: vscale, kernel: Enums.Kernel.Lanczos3, gap: 0);
        using var cut = resized.Width == width && resized.Height == height ? resized.Copy()
            : resized.Crop(Math.Max(0, (resized.Width - width) / 2), Math.Max(0, (resized.Height - height) / 2), Math.Min(width, resized.Width), Math.Min(height, resized.Height))
                .Gravity(Enums.CompassDirection.Centre, width, height, extend: Enums.Extend.Copy);
        return Pixels.FromImage(cut);
    }

    public static (double Ssim, double Psnr) BestAligned(Pixels reference, Pixels candidate)
    {
        if (reference.Width != candidate.Width || reference.Height != candidate.Height)
        {
            throw new ArgumentException($"Sizes differ: {reference.Width}×{reference.Height} and {candidate.Width}×{candidate.Height}.");
        }

        var best = (Ssim: 0.0, Psnr: 0.0);
        for (var dy = -1; dy <= 1; dy++)
        {
            for (var dx = -1; dx <= 1; dx++)
            {
                var ssim = Pixels.Ssim(reference, candidate, dx, dy);
                if (ssim > best.Ssim)
                {
                    best = (ssim, Pixels.Psnr(reference, candidate, dx, dy));
                }
            }
        }

        return best;
    }
}

/// <summary>8-bit RGB pixels (transparency flattened onto white) and their luma.</summary>
internal sealed class Pixels
{
    private Pixels(int width, int height, byte[] rgb)
    {
        Width = width;
        Height = height;
        Rgb = rgb;
        Luma = new double[width * height];
        for (var i = 0; i < Luma.Length; i++)
        {
            Luma[i] = (0.299 * rgb[i * 3]) + (0.587 * rgb[(i * 3) + 1]) + (0.114 * rgb[(i * 3) + 2]);
        }
    }

    public int Width { get; }
    public int Height { get; }
    public byte[] Rgb { get; }
    public double[] Luma { get; }

    /// <summary>Any file the bench reads or writes (JPEG, PNG, WebP, AVIF), through libvips' own loaders.</summary>
    public static Image Load(byte[] bytes)
    {
        Operation.Block("VipsForeignLoadHeif", false); // AVIF is only ever output; the service blocks its loader
        return Image.NewFromBuffer(bytes, access: Enums.Access.Random);
    }

    public static Image ToSrgb(Image image)
    {
        var srgb = image.Interpretation == Enums.Interpretation.Srgb && image.Format == Enums.BandFormat.Uchar ? image.Copy() : image.Colourspace(Enums.Interpretation.Srgb);
        if (srgb.HasAlpha())
        {
            using var alpha = srgb;
            srgb = alpha.Flatten(background: [255, 255, 255]);
        }

        if (srgb.Format != Enums.BandFormat.Uchar)
        {
            using var wide = srgb;
            srgb = wide.Cast(Enums.BandFormat.Uchar);
        }

        return srgb;
    }

    public static Pixels From(byte[] bytes)
    {
        using var image = Load(bytes);
        using var srgb = ToSrgb(image);
        return FromImage(srgb);
    }

    public static Pixels FromImage(Image image)
    {
        using var srgb = ToSrgb(image);
        using var three = srgb.Bands > 3 ? srgb.ExtractBand(0, 3) : srgb.Copy();
        return new Pixels(three.Width, three.Height, three.WriteToMemory<byte>());
    }

    /// <summary>The pixels as a libvips image (for encoding them).</summary>
    public Image ToImage() => Image.NewFromMemory(Rgb, Width, Height, 3, Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);

    /// <summary>SSIM (Wang et al. 2004) on luma over 8×8 windows with stride 4, with <paramref name="b"/> shifted by (dx, dy).</summary>
    public static double Ssim(Pixels a, Pixels b, int dx = 0, int dy = 0)
    {
        var width = a.Width - Math.Abs(dx);
        var height = a.Height - Math.Abs(dy);
        int ax = Math.Max(0, dx), ay = Math.Max(0, dy), bx = Math.Max(0, -dx), by = Math.Max(0, -dy);
        var x = a.Luma;
        var y = b.Luma;
        const double c1 = 6.5025, c2 = 58.5225; // (0.01·255)², (0.03·255)²
        double sum = 0;
        var windows = 0;
        for (var top = 0; top + 8 <= height; top += 4)
        {
            for (var left = 0; left + 8 <= width; left += 4)
            {
                double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
                for (var j = 0; j < 8; j++)
                {
                    var rowA = ((ay + top + j) * a.Width) + ax + left;
                    var rowB = ((by + top + j) * b.Width) + bx + left;
                    for (var i = 0; i < 8; i++)
                    {
                        var p = x[rowA + i];
                        var q = y[rowB + i];
                        sx += p;
                        sy += q;
                        sxx += p * p;
                        syy += q * q;
                        sxy += p * q;
                    }
                }

                var mx = sx / 64;
                var my = sy / 64;
                var vx = (sxx - (64 * mx * mx)) / 63;
                var vy = (syy - (64 * my * my)) / 63;
                var cov = (sxy - (64 * mx * my)) / 63;
                sum += ((2 * mx * my) + c1) * ((2 * cov) + c2) / (((mx * mx) + (my * my) + c1) * (vx + vy + c2));
                windows++;
            }
        }

        return windows == 0 ? 1 : sum / windows;
    }

    /// <summary>PSNR over RGB, in dB (capped at 99 for identical pixels).</summary>
    public static double Psnr(Pixels a, Pixels b, int dx = 0, int dy = 0)
    {
        var width = a.Width - Math.Abs(dx);
        var height = a.Height - Math.Abs(dy);
        int ax = Math.Max(0, dx), ay = Math.Max(0, dy), bx = Math.Max(0, -dx), by = Math.Max(0, -dy);
        double sum = 0;
        for (var row = 0; row < height; row++)
        {
            var ra = (((ay + row) * a.Width) + ax) * 3;
            var rb = (((by + row) * b.Width) + bx) * 3;
            for (var i = 0; i < width * 3; i++)
            {
                double d = a.Rgb[ra + i] - b.Rgb[rb + i];
                sum += d * d;
            }
        }

        var mse = sum / ((double)width * height * 3);
        return mse == 0 ? 99 : 10 * Math.Log10(255.0 * 255.0 / mse);
    }
}
