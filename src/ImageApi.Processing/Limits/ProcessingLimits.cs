namespace ImageApi.Processing.Limits;

/// <summary>What the pipeline refuses to work on. Checked from the header, before any pixel is decoded.</summary>
public sealed class ProcessingLimits
{
    public long MaxSourceBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Width × height of the original. 50 MP decodes to about 200 MB of RGBA.</summary>
    public long MaxSourcePixels { get; set; } = 50_000_000;

    /// <summary>Frames an animated GIF may have; only the first is rendered, but all are parsed.</summary>
    public int MaxGifFrames { get; set; } = 1000;

    /// <summary>ImageSharp's allocator refuses any single buffer above this.</summary>
    public int MaxAllocationMegabytes { get; set; } = 512;
}
