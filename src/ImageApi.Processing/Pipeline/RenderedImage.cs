using ImageApi.Processing.Formats;

namespace ImageApi.Processing.Pipeline;

/// <summary>An encoded rendition and what it took to make it.</summary>
public sealed record RenderedImage(byte[] Content, OutputFormat Format, int Width, int Height, RenderTimings Timings)
{
    public string ContentType => Format.ContentType;

    /// <summary>What the header of the image rendered from said (an intermediate's, when cut from one).</summary>
    public SourceImageInfo? Source { get; init; }
}

/// <summary>Time spent in each stage, for Server-Timing headers and logs.</summary>
/// <param name="Inspect">Sniffing and reading the header, checking the limits.</param>
/// <param name="Render">Decoding, resizing and encoding: libvips runs them as one stream of pixels.</param>
/// <param name="Intermediate">Making the intermediate on the way, when this rendition made one.</param>
public sealed record RenderTimings(TimeSpan Inspect, TimeSpan Render, TimeSpan Intermediate = default);
