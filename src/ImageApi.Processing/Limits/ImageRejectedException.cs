namespace ImageApi.Processing.Limits;

/// <summary>
/// The pipeline refused an original or a request for a reason that will not change on retry.
/// Each reason is its own type so the host can map it to its own status without parsing messages.
/// </summary>
public abstract class ImageRejectedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The original has more bytes than <see cref="ProcessingLimits.MaxSourceBytes"/>.</summary>
public sealed class SourceTooLargeException(long bytes, long limit)
    : ImageRejectedException($"The original is {bytes} bytes; the limit is {limit} bytes.")
{
    public long Bytes { get; } = bytes;
    public long Limit { get; } = limit;
}

/// <summary>The original's header declares more pixels than <see cref="ProcessingLimits.MaxSourcePixels"/>.</summary>
public sealed class SourceTooManyPixelsException(int width, int height, long limit)
    : ImageRejectedException($"The original is {width}×{height} ({(long)width * height} pixels); the limit is {limit} pixels.")
{
    public int Width { get; } = width;
    public int Height { get; } = height;
    public long Limit { get; } = limit;
}

/// <summary>The original is an animation with more frames than <see cref="ProcessingLimits.MaxFrames"/>.</summary>
public sealed class SourceTooManyFramesException(int frames, int limit)
    : ImageRejectedException($"The original is an animation of {frames} frames; the most this service reads is {limit}.")
{
    public int Frames { get; } = frames;
    public int Limit { get; } = limit;
}

/// <summary>The original is a JPEG with more scans than <see cref="ProcessingLimits.MaxJpegScans"/> (counted from its markers).</summary>
public sealed class SourceTooManyScansException(int limit)
    : ImageRejectedException($"The original cannot be decoded: it is a JPEG with more than {limit} scans, the most this service decodes (real progressive JPEGs have about ten).")
{
    public int Limit { get; } = limit;
}

/// <summary>The requested transform would produce an image larger than the configured maximum.</summary>
public sealed class OutputTooLargeException(int width, int height, int maxWidth, int maxHeight)
    : ImageRejectedException($"This request would produce a {width}×{height} image; the maximum output is {maxWidth}×{maxHeight}.")
{
    public int Width { get; } = width;
    public int Height { get; } = height;
}

/// <summary>The original is not in a format the service accepts (or not an image at all).</summary>
public sealed class UnsupportedImageFormatException(string? detectedFormat, IReadOnlyCollection<string> accepted)
    : ImageRejectedException(detectedFormat is null
        ? $"The original is not an image in an accepted format ({string.Join(", ", accepted)})."
        : $"The original is {detectedFormat}; accepted formats are {string.Join(", ", accepted)}.")
{
    public string? DetectedFormat { get; } = detectedFormat;
}

/// <summary>The original claims an accepted format but its content cannot be decoded.</summary>
public sealed class UndecodableImageException(string reason, Exception? inner = null)
    : ImageRejectedException($"The original cannot be decoded: {reason}", inner);

/// <summary>The original's decoded pixels would take more than <see cref="ProcessingLimits.MaxDecodedMegabytes"/>.</summary>
public sealed class SourceNeedsTooMuchMemoryException(long bytes, int limitMegabytes)
    : ImageRejectedException($"The original's pixels would take {bytes / (1024 * 1024)} MB of memory to decode; the limit is {limitMegabytes} MB.")
{
    public long Bytes { get; } = bytes;
}

/// <summary>
/// Every render together already holds <see cref="ProcessingLimits.DecodeBudgetMegabytes"/>, and no
/// room came free within <see cref="ProcessingLimits.DecodeBudgetWait"/>. Transient: retry shortly.
/// </summary>
public sealed class DecodeBudgetExhaustedException(long bytes, int budgetMegabytes)
    : Exception($"The service is busy decoding other images (this one needs {Math.Max(1, bytes / (1024 * 1024))} MB of its {budgetMegabytes} MB budget). Try again shortly.");
