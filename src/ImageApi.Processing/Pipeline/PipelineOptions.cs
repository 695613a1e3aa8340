namespace ImageApi.Processing.Pipeline;

/// <summary>How the pipeline spends CPU. Every default here was chosen by measurement (docs/benchmarks.md).</summary>
public sealed class PipelineOptions
{
    /// <summary>
    /// Threads one rendition may use. 1: concurrent requests already keep every core busy, and
    /// splitting each one across threads only adds contention.
    /// </summary>
    public int Parallelism { get; set; } = 1;

    /// <summary>
    /// ImageSharp's WebP effort, 0 (fastest) to 6. 4, ImageSharp's default, spends 70–120 ms on an 800 px
    /// image for files ~13 % smaller than 1's; 3 costs nearly as much; 2 spends 12–20 ms; 1 saves a
    /// third of that for files 2 % larger than 2's.
    /// </summary>
    public int WebpMethod { get; set; } = 1;

    /// <summary>
    /// Long-edge size of the intermediate made with an original's first new size, from which later sizes
    /// are rendered instead of the multi-megapixel original. 0: no intermediate.
    /// </summary>
    public int IntermediateMaxDimension { get; set; } = 1600;

    /// <summary>
    /// Shrink on load, as libvips does: JPEGs decoded at 1/2, 1/4 or 1/8 of their size by the service's
    /// own DCT-scaling decoder when the output is that much smaller, and other opaque RGBA originals
    /// (WebP) halved by box averaging while they stay twice the size needed. Off: ImageSharp decodes
    /// every pixel and resizes from there.
    /// </summary>
    public bool ShrinkOnLoad { get; set; } = true;

    /// <summary>JPEG quality of the intermediate.</summary>
    public int IntermediateQuality { get; set; } = 90;
}
