using ImageApi.Processing.Limits;
using ImageApi.Processing.Pipeline;
using NetVips;

namespace ImageApi.Processing.Formats;

/// <summary>
/// Hands an original's bytes to the one libvips loader its magic bytes name, never to libvips'
/// sniffing <c>new_from_buffer</c>, and reads what its header says before any pixel is decoded.
/// </summary>
internal static class SourceLoader
{
    // Truncated or corrupt data fails; libjpeg's warnings (fill bytes, junk before a marker, a short
    // APP segment) do not, as browsers show those files too.
    private const Enums.FailOn FailOn = Enums.FailOn.Error;

    /// <summary>Opens the image lazily: only the header is read now.</summary>
    /// <param name="shrink">JPEG: DCT scaling by 1, 2, 4 or 8. WebP: libwebp scales by 1/shrink while decoding. Others: ignored.</param>
    public static Image Open(byte[] bytes, SourceFormat format, int shrink = 1, Enums.Access access = Enums.Access.Sequential) => format switch
    {
        SourceFormat.Jpeg => Image.JpegloadBuffer(bytes, shrink: shrink, access: access, failOn: FailOn),
        SourceFormat.Png => Image.PngloadBuffer(bytes, access: access, failOn: FailOn),
        SourceFormat.Webp => shrink > 1
            ? Image.WebploadBuffer(bytes, scale: 1.0 / shrink, access: access, failOn: FailOn)
            : Image.WebploadBuffer(bytes, access: access, failOn: FailOn),
        SourceFormat.Gif => Image.GifloadBuffer(bytes, access: access, failOn: FailOn),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>Sniffs, checks every limit the header can tell, and returns the facts.</summary>
    /// <exception cref="ImageRejectedException">The original is refused; the subtype says why.</exception>
    public static SourceImageInfo Inspect(byte[] bytes, ProcessingLimits limits)
    {
        if (bytes.Length == 0)
        {
            throw new UndecodableImageException("it is empty (0 bytes).");
        }

        if (bytes.Length > limits.MaxSourceBytes)
        {
            throw new SourceTooLargeException(bytes.Length, limits.MaxSourceBytes);
        }

        var format = SourceSniffer.Sniff(bytes, out var refused)
            ?? throw new UnsupportedImageFormatException(refused, SourceSniffer.Accepted);
        if (format == SourceFormat.Jpeg && JpegMarkers.CountScans(bytes, limits.MaxJpegScans) > limits.MaxJpegScans)
        {
            throw new SourceTooManyScansException(limits.MaxJpegScans);
        }

        using var image = Translate(() => Open(bytes, format));
        var (width, height) = (image.Width, image.Height);
        if (width <= 0 || height <= 0)
        {
            throw new UndecodableImageException($"its {format} header gives no size.");
        }

        if ((long)width * height > limits.MaxSourcePixels)
        {
            throw new SourceTooManyPixelsException(width, height, limits.MaxSourcePixels);
        }

        var frames = image.Contains("n-pages") ? Math.Max(1, (int)image.Get("n-pages")) : 1;
        if (frames > limits.MaxFrames)
        {
            throw new SourceTooManyFramesException(frames, limits.MaxFrames);
        }

        // A very wide image costs memory per line whatever its height: libvips keeps a window of lines
        // of the full width in flight, so a 1,000,000×32 header counts as 256 lines of it.
        var decoded = (long)width * Math.Max(height, LineWindow) * image.Bands * BytesPerSample(image.Format);
        if (decoded > limits.MaxDecodedMegabytes * 1024L * 1024L)
        {
            throw new SourceNeedsTooMuchMemoryException(decoded, limits.MaxDecodedMegabytes);
        }

        var orientation = image.Contains("orientation") ? Math.Clamp((int)image.Get("orientation"), 1, 8) : 1;
        var turned = orientation >= 5;
        return new SourceImageInfo(format, turned ? height : width, turned ? width : height, image.HasAlpha(), bytes.Length)
        {
            Orientation = orientation,
            Frames = frames,
            DecodedBytes = decoded,
        };
    }

    private const int LineWindow = 256;

    public static int BytesPerSample(Enums.BandFormat format) => format switch
    {
        Enums.BandFormat.Uchar or Enums.BandFormat.Char => 1,
        Enums.BandFormat.Ushort or Enums.BandFormat.Short => 2,
        Enums.BandFormat.Uint or Enums.BandFormat.Int or Enums.BandFormat.Float => 4,
        _ => 8,
    };

    /// <summary>Runs libvips work on untrusted bytes: any libvips error is about the input.</summary>
    public static T Translate<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (VipsException ex)
        {
            throw Undecodable(ex);
        }
    }

    /// <remarks>
    /// libvips keeps one error log for the whole process, so the text of an exception may hold lines
    /// from another request's failure: the answer only says which kind of failure it was, and the
    /// log text stays in the inner exception, for the service's own logs.
    /// </remarks>
    public static UndecodableImageException Undecodable(VipsException ex)
    {
        var log = ex.Message;
        var detail = log.Contains("truncated", StringComparison.OrdinalIgnoreCase) || log.Contains("premature end", StringComparison.OrdinalIgnoreCase)
            ? "the file is truncated."
            : log.Contains("Unsupported", StringComparison.OrdinalIgnoreCase)
                ? "it uses an encoding this service does not decode (such as 12-bit or 16-bit lossless JPEG)."
                : "its image data is damaged.";
        return new UndecodableImageException(detail, ex);
    }
}
