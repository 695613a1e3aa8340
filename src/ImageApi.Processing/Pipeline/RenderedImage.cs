using ImageApi.Processing.Transforms;

namespace ImageApi.Processing.Pipeline;

/// <summary>An encoded rendition and what it took to make it.</summary>
public sealed record RenderedImage(byte[] Content, OutputFormat Format, int Width, int Height, RenderTimings Timings)
{
    public string ContentType => Format.ContentType();
}

/// <summary>Time spent in each stage, for Server-Timing headers and logs.</summary>
public sealed record RenderTimings(TimeSpan Decode, TimeSpan Resize, TimeSpan Encode);
