namespace ImageApi.Processing.Formats;

/// <summary>The formats an original may be in: the only ones whose bytes ever reach a libvips loader.</summary>
public enum SourceFormat
{
    Jpeg,
    Png,
    Webp,
    Gif,
}

/// <summary>
/// Tells the format from the magic bytes, in the service's own code: libvips never sniffs untrusted
/// bytes. Formats the service refuses are named, so a 415 can say what was sent.
/// </summary>
public static class SourceSniffer
{
    public static IReadOnlyList<string> Accepted { get; } = ["JPEG", "PNG", "WebP", "GIF"];

    /// <returns>The accepted format, or null with <paramref name="refused"/> naming what it is (null when unknown).</returns>
    public static SourceFormat? Sniff(ReadOnlySpan<byte> bytes, out string? refused)
    {
        refused = null;
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return SourceFormat.Jpeg;
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return SourceFormat.Png;
        }

        if (bytes.StartsWith("GIF87a"u8) || bytes.StartsWith("GIF89a"u8))
        {
            return SourceFormat.Gif;
        }

        if (bytes.Length >= 16 && bytes.StartsWith("RIFF"u8) && bytes[8..].StartsWith("WEBP"u8))
        {
            return SourceFormat.Webp;
        }

        refused = Name(bytes);
        return null;
    }

    private static string? Name(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith("II*\0"u8) || bytes.StartsWith("MM\0*"u8) || bytes.StartsWith("II+\0"u8) || bytes.StartsWith("MM\0+"u8))
        {
            return "TIFF";
        }

        if (bytes.StartsWith("BM"u8))
        {
            return "BMP";
        }

        if (bytes.StartsWith("%PDF"u8))
        {
            return "PDF";
        }

        if (bytes.Length >= 12 && bytes[4..].StartsWith("ftyp"u8))
        {
            var brand = bytes.Slice(8, 4);
            return brand.StartsWith("avi"u8) ? "AVIF" : "HEIF";
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x08, 0xF2, 0xA6, 0xB6]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xB6, 0xA6, 0xF2, 0x08]))
        {
            return "VIPS";
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0x0A]) || bytes.StartsWith((ReadOnlySpan<byte>)[0, 0, 0, 0x0C, (byte)'J', (byte)'X', (byte)'L', (byte)' ']))
        {
            return "JPEG XL";
        }

        if (bytes.StartsWith("8BPS"u8))
        {
            return "PSD";
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0, 0, 1, 0]))
        {
            return "ICO";
        }

        var head = System.Text.Encoding.ASCII.GetString(bytes[..Math.Min(bytes.Length, 512)]).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (head.StartsWith("<svg", StringComparison.OrdinalIgnoreCase)
            || (head.StartsWith("<?xml", StringComparison.OrdinalIgnoreCase) && head.Contains("<svg", StringComparison.OrdinalIgnoreCase)))
        {
            return "SVG";
        }

        return null;
    }
}
