using System.Diagnostics;
using ImageApi.Processing.Jpeg;
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
using SixLabors.ImageSharp.Processing.Processors.Transforms;

namespace ImageApi.Processing.Pipeline;

/// <summary>
/// Inspect → decode → resize → orient → flatten → strip metadata → encode. Thread-safe; one
/// instance serves every request.
/// </summary>
public sealed class ImagePipeline
{
    private readonly ProcessingLimits _limits;
    private readonly RenditionDefaults _defaults;
    private readonly PipelineOptions _options;
    private readonly Configuration _configuration;

    public ImagePipeline(ProcessingLimits limits, RenditionDefaults defaults, PipelineOptions? options = null)
    {
        _limits = limits;
        _defaults = defaults;
        _options = options ?? new PipelineOptions();
        _configuration = ImageSharpConfigurations.CreateDecoding(limits);
        _configuration.MaxDegreeOfParallelism = _options.Parallelism;
    }

    public ProcessingLimits Limits => _limits;

    /// <summary>Reads the header and enforces the byte, pixel and frame limits. Leaves the stream where it was.</summary>
    /// <exception cref="ImageRejectedException">The original is refused; the subtype says why.</exception>
    public SourceImageInfo Inspect(Stream source) => InspectFormat(source).Info;

    // The detected format travels with the header's facts, so decoding does not detect it again.
    private (SourceImageInfo Info, IImageFormat Format) InspectFormat(Stream source)
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

            var turned = IsQuarterTurn(info.Metadata.ExifProfile);
            var inspected = new SourceImageInfo(
                format.Name,
                turned ? info.Height : info.Width,
                turned ? info.Width : info.Height,
                HasAlpha(format, info),
                bytes)
            { QuarterTurn = turned };
            return (inspected, format);
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
    public RenderedImage Render(Stream source, RenditionSpec spec, CancellationToken cancellationToken = default) =>
        Render(source, spec, null, cancellationToken);

    /// <summary>Makes one rendition of the image in <paramref name="source"/>.</summary>
    /// <param name="plannedFrom">
    /// When <paramref name="source"/> is an intermediate: the original's (oriented) size, so the output
    /// has exactly the size a rendition from the original would have.
    /// </param>
    /// <exception cref="ImageRejectedException">The original or the request is refused; the subtype says why.</exception>
    public RenderedImage Render(Stream source, RenditionSpec spec, Dimensions? plannedFrom, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var (info, format) = InspectFormat(source);
        return Render(source, info, format, spec, plannedFrom, cancellationToken);
    }

    private RenderedImage Render(Stream source, SourceImageInfo info, IImageFormat format, RenditionSpec spec, Dimensions? plannedFrom, CancellationToken cancellationToken)
    {
        var from = plannedFrom ?? new Dimensions(info.Width, info.Height);
        var plan = ResizePlan.For(from.Width, from.Height, spec, _defaults.MaxWidth, _defaults.MaxHeight);
        cancellationToken.ThrowIfCancellationRequested();

        var clock = Stopwatch.StartNew();
        var image = Decode(source, info, format, new Dimensions(plan.ScaledWidth, plan.ScaledHeight), cancellationToken);
        try
        {
            var decoded = clock.Elapsed;
            cancellationToken.ThrowIfCancellationRequested();

            image = Shape(image, plan, spec.Format, info.QuarterTurn);
            var resized = clock.Elapsed;
            cancellationToken.ThrowIfCancellationRequested();

            var content = Encode(image, spec, info.HasAlpha || plan.Pads);
            return new RenderedImage(content, spec.Format, image.Width, image.Height, new RenderTimings(decoded, resized - decoded, clock.Elapsed - resized));
        }
        finally
        {
            image.Dispose();
        }
    }

    /// <summary>
    /// Makes a rendition of an original and, from the same decode, the intermediate later sizes are cut
    /// from: a high-quality JPEG of at most <see cref="PipelineOptions.IntermediateMaxDimension"/>. The
    /// rendition is cut from the intermediate's pixels. Only opaque originals larger than the
    /// intermediate get one, and only for a rendition that fits inside it; otherwise this is <see cref="Render(Stream, RenditionSpec, CancellationToken)"/>.
    /// </summary>
    /// <exception cref="ImageRejectedException">The original or the request is refused; the subtype says why.</exception>
    public RenditionWithIntermediate RenderWithIntermediate(Stream source, RenditionSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var (info, format) = InspectFormat(source);
        var max = _options.IntermediateMaxDimension;
        var needsNone = max == 0 || info.HasAlpha || (info.Width <= max && info.Height <= max);
        var intermediatePlan = needsNone ? default : ResizePlan.For(info.Width, info.Height, new RenditionSpec(max, max, FitMode.Inside, OutputFormat.Jpeg, _options.IntermediateQuality), int.MaxValue, int.MaxValue);
        if (needsNone || !CanRenderFromIntermediate(spec, new Dimensions(info.Width, info.Height), new Dimensions(intermediatePlan.Width, intermediatePlan.Height), _defaults.MaxWidth, _defaults.MaxHeight))
        {
            return new RenditionWithIntermediate(info, Render(source, info, format, spec, null, cancellationToken), null);
        }

        var plan = ResizePlan.For(info.Width, info.Height, spec, _defaults.MaxWidth, _defaults.MaxHeight);
        var clock = Stopwatch.StartNew();
        var image = Decode(source, info, format, new Dimensions(intermediatePlan.ScaledWidth, intermediatePlan.ScaledHeight), cancellationToken);
        try
        {
            var decoded = clock.Elapsed;
            cancellationToken.ThrowIfCancellationRequested();

            // Opaque, and an Inside plan never pads: this stays the same image.
            image = Shape(image, intermediatePlan, OutputFormat.Jpeg, info.QuarterTurn, IntermediateSampler);
            var intermediateSpec = new RenditionSpec(image.Width, image.Height, FitMode.Inside, OutputFormat.Jpeg, _options.IntermediateQuality);
            var intermediateBytes = Encode(image, intermediateSpec, mayHaveAlpha: false);
            var intermediate = new RenderedImage(intermediateBytes, OutputFormat.Jpeg, image.Width, image.Height, new RenderTimings(decoded, TimeSpan.Zero, clock.Elapsed - decoded));
            cancellationToken.ThrowIfCancellationRequested();

            // From the intermediate's pixels: already oriented, a fraction of the work to resize.
            var marker = clock.Elapsed;
            image = Shape(image, plan, spec.Format, quarterTurn: false);
            var resized = clock.Elapsed;
            var content = Encode(image, spec, plan.Pads);
            var rendition = new RenderedImage(content, spec.Format, image.Width, image.Height, new RenderTimings(decoded, resized - marker, clock.Elapsed - resized, marker - decoded));
            return new RenditionWithIntermediate(info, rendition, intermediate);
        }
        finally
        {
            image.Dispose();
        }
    }

    /// <summary>Whether a rendition can be cut from an intermediate of the given size without enlarging it.</summary>
    public static bool CanRenderFromIntermediate(RenditionSpec spec, Dimensions original, Dimensions intermediate, int maxWidth, int maxHeight)
    {
        var plan = ResizePlan.For(original.Width, original.Height, spec, maxWidth, maxHeight);
        return plan.ScaledWidth <= intermediate.Width && plan.ScaledHeight <= intermediate.Height;
    }

    /// <param name="needed">
    /// The (oriented) size the image will be resized to. With shrink on load a JPEG comes back at the
    /// smallest DCT scale at least this large, an opaque RGBA image halved while at least twice as large.
    /// </param>
    private Image Decode(Stream source, SourceImageInfo info, IImageFormat format, Dimensions needed, CancellationToken cancellationToken)
    {
        try
        {
            // Decoders see the image as stored: a quarter-turned original has its sides swapped.
            needed = AsStored(info, needed);
            if (_options.ShrinkOnLoad && format is JpegFormat && JpegShrink(AsStored(info, new Dimensions(info.Width, info.Height)), needed) is > 1 and var shrink
                && DecodeScaled(source, shrink, cancellationToken) is { } scaled)
            {
                return scaled;
            }

            // The decoder's own pixel type (Rgb24 for JPEG): no conversion, and a quarter less memory than Rgba32.
            var image = _configuration.ImageFormatsManager.FindDecoder(format).Decode(_configuration, source, cancellationToken);

            // Animated WebP: the first frame is the still image; the rest would only cost memory.
            while (image.Frames.Count > 1)
            {
                image.Frames.RemoveFrame(image.Frames.Count - 1);
            }

            return _options.ShrinkOnLoad && image is Image<Rgba32> rgba && !info.HasAlpha ? ShrinkToTwiceNeeded(rgba, needed) : image;
        }
        catch (Exception ex) when (IsDecoderFailure(ex))
        {
            throw Translate(ex);
        }
    }

    /// <summary>
    /// Resize first, then orient: turning a 15-megapixel image costs more than turning an 800 px one.
    /// Then crop or pad, in oriented space. Returns the image to go on with: a new one (the old one
    /// disposed) when padding with transparency needs an alpha channel the decoded pixels lack.
    /// </summary>
    private static Image Shape(Image image, ResizePlan plan, OutputFormat format, bool quarterTurn, IResampler? sampler = null)
    {
        var hasAlpha = HasAlphaChannel(image);
        if (plan.Pads && format.SupportsTransparency() && !hasAlpha)
        {
            var withAlpha = image.CloneAs<Rgba32>();
            image.Dispose();
            image = withAlpha;
            hasAlpha = true;
        }

        var stored = image.Size();
        image.Mutate(context =>
        {
            // The plan is in oriented space; before orienting, a quarter-turned image has its sides swapped.
            var scaled = quarterTurn ? new Size(plan.ScaledHeight, plan.ScaledWidth) : new Size(plan.ScaledWidth, plan.ScaledHeight);
            if (scaled != stored)
            {
                context.Resize(new ResizeOptions { Size = scaled, Mode = ResizeMode.Stretch, Sampler = sampler ?? KnownResamplers.Bicubic });
            }

            context.AutoOrient();
            if (plan.Crops)
            {
                context.Crop(new Rectangle((plan.ScaledWidth - plan.Width) / 2, (plan.ScaledHeight - plan.Height) / 2, plan.Width, plan.Height));
            }
            else if (plan.Pads)
            {
                context.Pad(plan.Width, plan.Height, format.SupportsTransparency() ? Color.Transparent : Color.White);
            }

            if (hasAlpha && !format.SupportsTransparency())
            {
                context.BackgroundColor(Color.White);
            }
        });
        StripMetadata(image);
        return image;
    }

    // Null when the scaled decoder leaves the file to ImageSharp: a variant it does not decode, or
    // damage, where ImageSharp has the last word so every damaged file is judged alike. Any other
    // failure of its own also falls back (and fails the fuzz tests), so a decoder bug costs time, not
    // an image.
    private Image<Rgb24>? DecodeScaled(Stream source, int shrink, CancellationToken cancellationToken)
    {
        var start = source.Position;
        try
        {
            return ScaledJpegDecoder.TryDecode(Bytes(source), shrink, _configuration, _limits.MaxAllocationMegabytes * 1024L * 1024L, cancellationToken);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or InvalidMemoryOperationException or OutOfMemoryException))
        {
            return null;
        }
        finally
        {
            source.Position = start;
        }
    }

    // What DCT scaling gives JPEGs, box halvings give opaque RGBA images (WebP): while the image stays
    // at least twice the size needed, so bicubic still makes a last step of 2× or more. Not with
    // transparency: averaging unpremultiplied pixels would bleed hidden colours into the edges.
    private Image<Rgba32> ShrinkToTwiceNeeded(Image<Rgba32> image, Dimensions needed)
    {
        while (image.Width >= 4 * needed.Width && image.Height >= 4 * needed.Height)
        {
            var halved = BoxShrink.Halve(image, _configuration);
            halved.Metadata.ExifProfile = image.Metadata.ExifProfile;
            image.Dispose();
            image = halved;
        }

        return image;
    }

    private static Dimensions AsStored(SourceImageInfo info, Dimensions oriented) =>
        info.QuarterTurn ? new Dimensions(oriented.Height, oriented.Width) : oriented;

    // The largest of 8, 4 and 2 that leaves the decoded image at least as large as needed.
    private static int JpegShrink(Dimensions stored, Dimensions needed)
    {
        for (var shrink = 8; shrink > 1; shrink /= 2)
        {
            if ((stored.Width + shrink - 1) / shrink >= needed.Width && (stored.Height + shrink - 1) / shrink >= needed.Height)
            {
                return shrink;
            }
        }

        return 1;
    }

    private static ReadOnlySpan<byte> Bytes(Stream source)
    {
        if (source is MemoryStream memory && memory.TryGetBuffer(out var buffer))
        {
            return buffer.AsSpan((int)source.Position);
        }

        var copy = new byte[source.Length - source.Position];
        source.ReadExactly(copy);
        return copy;
    }

    // Decoders return their own pixel types; only these are known to have no alpha channel.
    private static bool HasAlphaChannel(Image image) =>
        image is not (Image<Rgb24> or Image<Rgb48> or Image<Bgr24> or Image<L8> or Image<L16>);

    // Area averaging for the big first reduction, as libvips shrinks before it reduces: the intermediate
    // is resampled again (bicubic) for every rendition cut from it.
    private static readonly IResampler IntermediateSampler = KnownResamplers.Box;

    private byte[] Encode(Image image, RenditionSpec spec, bool mayHaveAlpha)
    {
        using var output = new MemoryStream();
        image.Save(output, CreateEncoder(spec, mayHaveAlpha));
        return output.ToArray();
    }

    private int? CountGifFrames(Stream source, long start)
    {
        source.Position = start;
        return GifFrameCounter.Count(Bytes(source), _limits.MaxGifFrames);
    }

    private IImageEncoder CreateEncoder(RenditionSpec spec, bool mayHaveAlpha) => spec.Format switch
    {
        OutputFormat.Webp => new WebpEncoder
        {
            FileFormat = WebpFileFormatType.Lossy,
            Quality = spec.Quality ?? 80,
            Method = (WebpEncodingMethod)_options.WebpMethod,
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

/// <summary>A width and a height in pixels.</summary>
public readonly record struct Dimensions(int Width, int Height);

/// <summary>What <see cref="ImagePipeline.RenderWithIntermediate"/> made from one decode.</summary>
/// <param name="Intermediate">Null when the original is small enough (or has transparency) to render sizes from directly, or the rendition does not fit inside one.</param>
public sealed record RenditionWithIntermediate(SourceImageInfo Source, RenderedImage Rendition, RenderedImage? Intermediate);
