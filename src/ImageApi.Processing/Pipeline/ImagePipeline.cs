using System.Diagnostics;
using ImageApi.Processing.Limits;
using ImageApi.Processing.Transforms;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace ImageApi.Processing.Pipeline;

/// <summary>
/// Inspect → decode → auto-orient → resize → flatten → strip metadata → encode. Thread-safe; one
/// instance serves every request.
/// </summary>
public sealed class ImagePipeline
{
    private readonly ProcessingLimits _limits;
    private readonly RenditionDefaults _defaults;
    private readonly Configuration _configuration;

    public ImagePipeline(ProcessingLimits limits, RenditionDefaults defaults)
    {
        _limits = limits;
        _defaults = defaults;
        _configuration = ImageSharpConfigurations.CreateDecoding(limits);
    }

    public ProcessingLimits Limits => _limits;

    /// <summary>Reads the header and enforces the byte and pixel limits. Leaves the stream where it was.</summary>
    /// <exception cref="ImageRejectedException">The original is refused; the subtype says why.</exception>
    public SourceImageInfo Inspect(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!source.CanSeek)
        {
            throw new ArgumentException("The pipeline needs a seekable stream.", nameof(source));
        }

        var start = source.Position;
        var bytes = source.Length - start;
        if (bytes > _limits.MaxSourceBytes)
        {
            throw new SourceTooLargeException(bytes, _limits.MaxSourceBytes);
        }

        if (bytes == 0)
        {
            throw new UndecodableImageException("it is empty (0 bytes).");
        }

        try
        {
            var format = Image.DetectFormat(_configuration, source);
            source.Position = start;
            if (format is null)
            {
                var named = Image.DetectFormat(ImageSharpConfigurations.Naming, source);
                throw new UnsupportedImageFormatException(named?.Name, ImageSharpConfigurations.AcceptedFormats);
            }

            source.Position = start;
            var info = _configuration.ImageFormatsManager.FindDecoder(format) is IImageInfoDetector detector
                ? detector.Identify(_configuration, source, CancellationToken.None)
                : null;
            if (info is null || info.Width <= 0 || info.Height <= 0)
            {
                throw new UndecodableImageException($"its {format.Name} header is unreadable.");
            }

            if ((long)info.Width * info.Height > _limits.MaxSourcePixels)
            {
                throw new SourceTooManyPixelsException(info.Width, info.Height, _limits.MaxSourcePixels);
            }

            if (format is GifFormat && CountGifFrames(source, start) is { } frames && frames > _limits.MaxGifFrames)
            {
                throw new SourceTooManyFramesException(_limits.MaxGifFrames);
            }

            var swapped = IsQuarterTurn(info.Metadata.ExifProfile);
            return new SourceImageInfo(
                format.Name,
                swapped ? info.Height : info.Width,
                swapped ? info.Width : info.Height,
                HasAlpha(format, info),
                bytes);
        }
        catch (Exception ex) when (IsDecoderFailure(ex))
        {
            throw Translate(ex);
        }
        finally
        {
            source.Position = start;
        }
    }

    /// <summary>Makes one rendition of the original in <paramref name="source"/>.</summary>
    /// <exception cref="ImageRejectedException">The original or the request is refused; the subtype says why.</exception>
    public RenderedImage Render(Stream source, RenditionSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var info = Inspect(source);
        var plan = ResizePlan.For(info.Width, info.Height, spec, _defaults.MaxWidth, _defaults.MaxHeight);
        cancellationToken.ThrowIfCancellationRequested();

        var clock = Stopwatch.StartNew();
        using var image = Decode(source, cancellationToken);
        var decoded = clock.Elapsed;
        cancellationToken.ThrowIfCancellationRequested();

        image.Mutate(context =>
        {
            context.AutoOrient();
            if (plan.Resizes)
            {
                context.Resize(new ResizeOptions
                {
                    Size = new Size(plan.Width, plan.Height),
                    Mode = plan.Mode,
                    Position = AnchorPositionMode.Center,
                    PadColor = spec.Format.SupportsTransparency() ? Color.Transparent : Color.White,
                    Sampler = KnownResamplers.Bicubic,
                });
            }

            if (!spec.Format.SupportsTransparency())
            {
                context.BackgroundColor(Color.White);
            }
        });
        StripMetadata(image);
        var resized = clock.Elapsed;
        cancellationToken.ThrowIfCancellationRequested();

        using var output = new MemoryStream();
        image.Save(output, CreateEncoder(spec, info.HasAlpha || plan.Mode == ResizeMode.Pad));
        var encoded = clock.Elapsed;

        return new RenderedImage(
            output.ToArray(),
            spec.Format,
            image.Width,
            image.Height,
            new RenderTimings(decoded, resized - decoded, encoded - resized));
    }

    private Image<Rgba32> Decode(Stream source, CancellationToken cancellationToken)
    {
        var start = source.Position;
        try
        {
            var format = Image.DetectFormat(_configuration, source)
                ?? throw new UnsupportedImageFormatException(null, ImageSharpConfigurations.AcceptedFormats);
            source.Position = start;
            var image = _configuration.ImageFormatsManager.FindDecoder(format).Decode<Rgba32>(_configuration, source, cancellationToken);

            // Animated WebP: the first frame is the still image; the rest would only cost memory.
            while (image.Frames.Count > 1)
            {
                image.Frames.RemoveFrame(image.Frames.Count - 1);
            }

            return image;
        }
        catch (Exception ex) when (IsDecoderFailure(ex))
        {
            throw Translate(ex);
        }
    }

    private int? CountGifFrames(Stream source, long start)
    {
        source.Position = start;
        if (source is MemoryStream memory && memory.TryGetBuffer(out var buffer))
        {
            return GifFrameCounter.Count(buffer.AsSpan((int)start), _limits.MaxGifFrames);
        }

        var copy = new byte[source.Length - start];
        source.ReadExactly(copy);
        return GifFrameCounter.Count(copy, _limits.MaxGifFrames);
    }

    private static IImageEncoder CreateEncoder(RenditionSpec spec, bool mayHaveAlpha) => spec.Format switch
    {
        OutputFormat.Webp => new WebpEncoder
        {
            FileFormat = WebpFileFormatType.Lossy,
            Quality = spec.Quality ?? 80,
        },
        OutputFormat.Jpeg => new JpegEncoder
        {
            Quality = spec.Quality ?? 80,
            ColorType = JpegColorType.YCbCrRatio420,
        },
        OutputFormat.Png => new PngEncoder
        {
            // Explicit, or a 16-bit or palette source would set the output's depth and type.
            BitDepth = PngBitDepth.Bit8,
            ColorType = mayHaveAlpha ? PngColorType.RgbWithAlpha : PngColorType.Rgb,
            IgnoreMetadata = true,
        },
        OutputFormat.Gif => new GifEncoder { ColorTableMode = GifColorTableMode.Global },
        _ => throw new ArgumentOutOfRangeException(nameof(spec)),
    };

    /// <summary>
    /// Renditions are public; originals may carry GPS positions, camera serials and edit history.
    /// ICC profiles go too: ImageSharp 2.1 cannot convert between colour spaces, so pixels are
    /// treated as sRGB and a leftover (possibly CMYK) profile would only mislabel them.
    /// </summary>
    private static void StripMetadata(Image image)
    {
        var metadata = image.Metadata;
        metadata.ExifProfile = null;
        metadata.XmpProfile = null;
        metadata.IptcProfile = null;
        metadata.IccProfile = null;
        metadata.GetPngMetadata().TextData.Clear();
        metadata.GetGifMetadata().Comments.Clear();
        foreach (var frame in image.Frames)
        {
            frame.Metadata.ExifProfile = null;
            frame.Metadata.XmpProfile = null;
            frame.Metadata.IptcProfile = null;
            frame.Metadata.IccProfile = null;
        }
    }

    private static bool IsQuarterTurn(ExifProfile? exif)
    {
        var orientation = exif?.GetValue(ExifTag.Orientation)?.Value ?? ExifOrientationMode.TopLeft;
        return orientation is ExifOrientationMode.LeftTop or ExifOrientationMode.RightTop
            or ExifOrientationMode.RightBottom or ExifOrientationMode.LeftBottom;
    }

    private static bool HasAlpha(IImageFormat format, IImageInfo info) => format switch
    {
        JpegFormat => false,
        PngFormat => info.Metadata.GetPngMetadata() is { } png
            && (png.HasTransparency || png.ColorType is PngColorType.RgbWithAlpha or PngColorType.GrayscaleWithAlpha),
        _ => info.PixelType.AlphaRepresentation is not (null or PixelAlphaRepresentation.None),
    };

    // Decoders are fed hostile bytes; whatever they throw is about the input, except running out of
    // memory for real (ImageSharp's own limit throws InvalidMemoryOperationException, which is fine)
    // or being cancelled.
    private static bool IsDecoderFailure(Exception ex) =>
        ex is not (ImageRejectedException or OperationCanceledException or OutOfMemoryException);

    private ImageRejectedException Translate(Exception ex) => ex switch
    {
        // Decoders wrap the allocator's refusal in InvalidImageContentException.
        InvalidMemoryOperationException or { InnerException: InvalidMemoryOperationException }
            => new SourceNeedsTooMuchMemoryException(_limits.MaxAllocationMegabytes, ex),
        UnknownImageFormatException => new UnsupportedImageFormatException(null, ImageSharpConfigurations.AcceptedFormats),
        NotSupportedException => new UndecodableImageException($"it uses a variant the decoder does not support ({ex.Message})", ex),
        _ => new UndecodableImageException(ex.Message, ex),
    };
}
