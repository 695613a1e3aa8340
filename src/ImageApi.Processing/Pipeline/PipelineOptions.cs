namespace ImageApi.Processing.Pipeline;

/// <summary>How the pipeline spends CPU. Every default here was chosen by measurement (docs/benchmarks.md).</summary>
public sealed class PipelineOptions
{
    /// <summary>
    /// libvips threads per render. 1: concurrent requests already keep every core busy, and splitting
    /// each one across threads only adds contention.
    /// </summary>
    public int Parallelism { get; set; } = 1;

    /// <summary>libwebp's effort, 0 (fastest) to 6 (sharp's default is 4).</summary>
    public int WebpEffort { get; set; } = 4;

    /// <summary>libaom's effort for AVIF, 0 (fastest) to 9 (sharp's default is 4).</summary>
    public int AvifEffort { get; set; } = 4;

    /// <summary>
    /// Long-edge size of the intermediate made with an original's first new size, from which later sizes
    /// are rendered instead of the multi-megapixel original. 0: no intermediate.
    /// </summary>
    public int IntermediateMaxDimension { get; set; } = 1600;

    /// <summary>Quality of the intermediate (JPEG for opaque originals, WebP with lossless alpha for the others).</summary>
    /// <remarks>
    /// 95, not 90: sizes cut from a q90 intermediate were 2.1–2.3 % larger than sharp's from the original
    /// (the q90 artefacts cost the second encoder bytes); at q95 1.3–1.9 %. The intermediate is stored
    /// once and its bytes cost storage; a rendition's bytes are paid on every view.
    /// </remarks>
    public int IntermediateQuality { get; set; } = 95;

    /// <summary>Shrink on load: JPEGs decoded at 1/2, 1/4 or 1/8 scale and WebPs scaled while decoded when the output is that much smaller.</summary>
    public bool ShrinkOnLoad { get; set; } = true;
}
