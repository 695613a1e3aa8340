using NetVips;

namespace ImageApi.TestSupport;

/// <summary>
/// An output decoded for checking, through libvips' own loaders (the tests trust libvips to read what
/// the service wrote): its format, size and 8-bit RGBA pixels.
/// </summary>
internal sealed class Decoded
{
    private readonly byte[] _rgba;

    private Decoded(string loader, int width, int height, byte[] rgba, bool hasAlpha, int pages)
    {
        Loader = loader;
        Width = width;
        Height = height;
        _rgba = rgba;
        HasAlpha = hasAlpha;
        Pages = pages;
    }

    /// <summary>The libvips loader that read it: jpegload_buffer, pngload_buffer, webpload_buffer, gifload_buffer, heifload_buffer.</summary>
    public string Loader { get; }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Whether the file has an alpha channel.</summary>
    public bool HasAlpha { get; }

    public int Pages { get; }

    /// <summary>The format's name as the registry spells it (webp, avif, jpeg, png, gif).</summary>
    public string Format => Loader switch
    {
        "jpegload_buffer" => "jpeg",
        "pngload_buffer" => "png",
        "webpload_buffer" => "webp",
        "gifload_buffer" => "gif",
        "heifload_buffer" => "avif",
        _ => Loader,
    };

    public (byte R, byte G, byte B, byte A) this[int x, int y]
    {
        get
        {
            var i = ((y * Width) + x) * 4;
            return (_rgba[i], _rgba[i + 1], _rgba[i + 2], _rgba[i + 3]);
        }
    }

    public static Decoded From(byte[] bytes)
    {
        using var image = Load(bytes, out var loader);
        var pages = image.Contains("n-pages") ? (int)image.Get("n-pages") : 1;
        var hasAlpha = image.HasAlpha();
        using var rgb = image.Interpretation is Enums.Interpretation.Srgb or Enums.Interpretation.Bw or Enums.Interpretation.Rgb16 or Enums.Interpretation.Grey16 or Enums.Interpretation.Cmyk
            ? image.Colourspace(Enums.Interpretation.Srgb)
            : image.Copy();
        using var rgba = rgb.HasAlpha() ? rgb.Copy() : rgb.Bandjoin(255);
        using var bytes8 = rgba.Cast(Enums.BandFormat.Uchar);
        return new Decoded(loader, image.Width, image.Height, bytes8.WriteToMemory<byte>(), hasAlpha, pages);
    }

    // Each format through its own loader, as the service loads originals. AVIF is only ever output, so
    // its loader is one the service blocks; the tests unblock it to read what the service wrote.
    private static Image Load(byte[] bytes, out string loader)
    {
        var format = ImageApi.Processing.Formats.SourceSniffer.Sniff(bytes, out var other);
        (loader, var image) = format switch
        {
            ImageApi.Processing.Formats.SourceFormat.Jpeg => ("jpegload_buffer", Image.JpegloadBuffer(bytes, access: Enums.Access.Random)),
            ImageApi.Processing.Formats.SourceFormat.Png => ("pngload_buffer", Image.PngloadBuffer(bytes, access: Enums.Access.Random)),
            ImageApi.Processing.Formats.SourceFormat.Webp => ("webpload_buffer", Image.WebploadBuffer(bytes, access: Enums.Access.Random)),
            ImageApi.Processing.Formats.SourceFormat.Gif => ("gifload_buffer", Image.GifloadBuffer(bytes, access: Enums.Access.Random)),
            _ when other is "AVIF" => ("heifload_buffer", LoadAvif(bytes)),
            _ => throw new InvalidDataException($"Not an output format the tests read ({other ?? "unknown"})."),
        };
        return image;
    }

    private static Image LoadAvif(byte[] bytes)
    {
        Operation.Block("VipsForeignLoadHeif", false);
        return Image.HeifloadBuffer(bytes, access: Enums.Access.Random);
    }

    /// <summary>The mean absolute difference per channel (RGB only) to another image of the same size.</summary>
    public double MeanAbsoluteDifference(Decoded other)
    {
        Assert.Equal((Width, Height), (other.Width, other.Height));
        double sum = 0;
        for (var i = 0; i < _rgba.Length; i += 4)
        {
            sum += Math.Abs(_rgba[i] - other._rgba[i]) + Math.Abs(_rgba[i + 1] - other._rgba[i + 1]) + Math.Abs(_rgba[i + 2] - other._rgba[i + 2]);
        }

        return sum / (_rgba.Length / 4 * 3);
    }

    /// <summary>Peak signal-to-noise ratio over RGB, in dB (infinite for identical pixels).</summary>
    public double Psnr(Decoded other)
    {
        Assert.Equal((Width, Height), (other.Width, other.Height));
        double sum = 0;
        for (var i = 0; i < _rgba.Length; i++)
        {
            if (i % 4 == 3)
            {
                continue;
            }

            double d = _rgba[i] - other._rgba[i];
            sum += d * d;
        }

        var mse = sum / (_rgba.Length / 4 * 3);
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    /// <summary>Luma, for <see cref="Ssim"/>.</summary>
    public double[,] Luma()
    {
        var luma = new double[Height, Width];
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var (r, g, b, _) = this[x, y];
                luma[y, x] = (0.299 * r) + (0.587 * g) + (0.114 * b);
            }
        }

        return luma;
    }
}
