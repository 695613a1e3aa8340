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

/// <summary>The original is a GIF with more frames than <see cref="ProcessingLimits.MaxGifFrames"/>.</summary>
public sealed class SourceTooManyFramesException(int limit)
    : ImageRejectedException($"The original is a GIF with more than {limit} frames, the most this service reads.")
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

/// <summary>Decoding the original needs a buffer larger than <see cref="ProcessingLimits.MaxAllocationMegabytes"/>.</summary>
public sealed class SourceNeedsTooMuchMemoryException(int limitMegabytes, Exception inner)
    : ImageRejectedException($"Decoding the original needs more than the {limitMegabytes} MB allowed for one buffer.", inner);
