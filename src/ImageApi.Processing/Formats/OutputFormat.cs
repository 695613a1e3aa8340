using NetVips;

namespace ImageApi.Processing.Formats;

/// <summary>
/// One output format, described once: what the parser accepts, what the stored name ends with, what
/// the response says, and how it is encoded. <see cref="OutputFormats"/> lists them all; a new format
/// is one entry there and one <see cref="IImageEncoder"/>.
/// </summary>
public sealed class OutputFormat
{
    internal OutputFormat(string name, string extension, string contentType, bool lossy, bool alpha, int defaultQuality, IImageEncoder encoder)
    {
        Name = name;
        Extension = extension;
        ContentType = contentType;
        IsLossy = lossy;
        SupportsAlpha = alpha;
        DefaultQuality = defaultQuality;
        Encoder = encoder;
    }

    /// <summary>The <c>format</c> value that asks for it, lower-case.</summary>
    public string Name { get; }

    /// <summary>The stored rendition's extension, without the dot.</summary>
    public string Extension { get; }

    public string ContentType { get; }

    /// <summary>Quality changes the bytes only of lossy formats; for the others it is not part of the rendition.</summary>
    public bool IsLossy { get; }

    /// <summary>Whether transparency survives; without it, transparent pixels are flattened onto the background.</summary>
    public bool SupportsAlpha { get; }

    /// <summary>The quality used when a request gives none (lossy formats only).</summary>
    public int DefaultQuality { get; }

    public IImageEncoder Encoder { get; }

    // The registry's entries, as properties, so code can name a format without a string.
    public static OutputFormat Webp => OutputFormats.Webp;
    public static OutputFormat Avif => OutputFormats.Avif;
    public static OutputFormat Jpeg => OutputFormats.Jpeg;
    public static OutputFormat Png => OutputFormats.Png;
    public static OutputFormat Gif => OutputFormats.Gif;

    public override string ToString() => Name;
}

/// <summary>How one format turns the pipeline's final image into bytes. Never writes metadata.</summary>
public interface IImageEncoder
{
    /// <param name="quality">1–100 for lossy formats; null for lossless ones.</param>
    byte[] Encode(Image image, int? quality, EncoderSettings settings);
}

/// <summary>The encoders' speed settings, from configuration (chosen by measurement: docs/benchmarks.md).</summary>
public sealed record EncoderSettings(int WebpEffort, int AvifEffort)
{
    public static EncoderSettings Default { get; } = new(WebpEffort: 4, AvifEffort: 4);
}

/// <summary>The registry: every output format the service writes, each described once.</summary>
public static class OutputFormats
{
    public static OutputFormat Webp { get; } = new("webp", "webp", "image/webp", lossy: true, alpha: true, defaultQuality: 80, new Encoders.WebpEncoder());

    /// <summary>
    /// AVIF (AV1 in HEIF). Its default quality is the lowest that reaches the WebP default's mean SSIM
    /// (q80, effort 4) on the benchmark corpus at AVIF effort 4: q55, 35 % fewer bytes (docs/benchmarks.md, "AVIF").
    /// </summary>
    public static OutputFormat Avif { get; } = new("avif", "avif", "image/avif", lossy: true, alpha: true, defaultQuality: 55, new Encoders.AvifEncoder());

    public static OutputFormat Jpeg { get; } = new("jpeg", "jpg", "image/jpeg", lossy: true, alpha: false, defaultQuality: 80, new Encoders.JpegEncoder());

    public static OutputFormat Png { get; } = new("png", "png", "image/png", lossy: false, alpha: true, defaultQuality: 0, new Encoders.PngEncoder());

    public static OutputFormat Gif { get; } = new("gif", "gif", "image/gif", lossy: false, alpha: true, defaultQuality: 0, new Encoders.GifEncoder());

    /// <summary>Every format, in the order the documentation lists them.</summary>
    public static IReadOnlyList<OutputFormat> All { get; } = [Webp, Avif, Jpeg, Png, Gif];

    /// <summary>The format a <c>format</c> value names (case-insensitive), or null.</summary>
    public static OutputFormat? Find(string? name) =>
        All.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The format a content type names, or null.</summary>
    public static OutputFormat? ForContentType(string? contentType) =>
        All.FirstOrDefault(f => string.Equals(f.ContentType, contentType, StringComparison.OrdinalIgnoreCase));
}
