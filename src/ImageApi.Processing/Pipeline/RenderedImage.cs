using ImageApi.Processing.Transforms;

namespace ImageApi.Processing.Pipeline;

/// <summary>An encoded rendition and what it took to make it.</summary>
public sealed record RenderedImage(byte[] Content, OutputFormat Format, int Width, int Height, RenderTimings Timings)
{
    public string ContentType => Format.ContentType();
}

/// <summary>Time spent in each stage, for Server-Timing headers and logs.</summary>
/// <param name="Intermediate">Making the intermediate (resize and encode) on the way, when this rendition made one.</param>
public sealed record RenderTimings(TimeSpan Decode, TimeSpan Resize, TimeSpan Encode, TimeSpan Intermediate = default);
