namespace ImageApi.Processing.Limits;

/// <summary>What the pipeline refuses to work on. Checked from the header, before any pixel is decoded.</summary>
public sealed class ProcessingLimits
{
    public long MaxSourceBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Width × height of the original.</summary>
    public long MaxSourcePixels { get; set; } = 50_000_000;

    /// <summary>
    /// Memory the original's decoded pixels may take: width × height × bands × bytes per sample. 50 MP of
    /// 8-bit RGBA is 200 MB; the same size in 16-bit RGBA is 400 MB.
    /// </summary>
    public int MaxDecodedMegabytes { get; set; } = 256;

    /// <summary>Frames an animated GIF or WebP may have; only the first is rendered.</summary>
    public int MaxFrames { get; set; } = 1000;

    /// <summary>
    /// Scans a JPEG may have, counted from its markers before decoding. Real progressive files have
    /// about ten; libjpeg redoes the whole image for each, so thousands cost minutes of CPU.
    /// </summary>
    public int MaxJpegScans { get; set; } = 200;

    /// <summary>
    /// Memory all renders together may hold for decoded pixels (their estimates summed). A 2 GB Lambda
    /// keeps half for the runtime, buffers and encoders.
    /// </summary>
    public int DecodeBudgetMegabytes { get; set; } = 1024;

    /// <summary>How long a render waits for room in the budget before it is answered 503.</summary>
    public TimeSpan DecodeBudgetWait { get; set; } = TimeSpan.FromSeconds(2);
}
