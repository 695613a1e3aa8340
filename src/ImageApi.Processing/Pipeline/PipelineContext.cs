using ImageApi.Processing.Formats;
using ImageApi.Processing.Transforms;
using NetVips;

namespace ImageApi.Processing.Pipeline;

/// <summary>
/// What the steps of one render share: the source, the request, the geometry (planned once, before
/// the first step) and the image as the steps leave it. libvips is lazy: steps build a graph of
/// operations, and pixels are computed only when the encoder pulls them.
/// </summary>
public sealed class PipelineContext : IDisposable
{
    private readonly List<Image> _images = [];
    private Image? _image;

    internal PipelineContext(byte[] bytes, SourceImageInfo source, RenditionSpec spec, ResizePlan plan, EncoderSettings encoder, CancellationToken cancellationToken)
    {
        Bytes = bytes;
        Source = source;
        Spec = spec;
        Plan = plan;
        Encoder = encoder;
        CancellationToken = cancellationToken;
    }

    /// <summary>The bytes being rendered from: an original, or an intermediate.</summary>
    public byte[] Bytes { get; }

    /// <summary>What the header of <see cref="Bytes"/> says.</summary>
    public SourceImageInfo Source { get; }

    public RenditionSpec Spec { get; }

    /// <summary>The output's geometry, in oriented space.</summary>
    public ResizePlan Plan { get; }

    public EncoderSettings Encoder { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>Whether the image has been turned upright (before that, its sides may be swapped).</summary>
    public bool Oriented { get; set; }

    /// <summary>
    /// A whole factor by which the resize first averages boxes of pixels, before its Lanczos pass: what
    /// decoding the same file with shrink on load would have done. Set for an intermediate held in
    /// memory, so a size cut from its pixels matches one cut from its stored file.
    /// </summary>
    public int PreShrink { get; set; } = 1;

    /// <summary>Whether <c>rot</c> and <c>flip</c> have been applied (before that, a quarter turn's sides are swapped).</summary>
    public bool Turned { get; set; }

    /// <summary>The image as the last step left it; every image set here is disposed with the context.</summary>
    public Image Image
    {
        get => _image ?? throw new InvalidOperationException("No image is loaded yet.");
        set
        {
            _images.Add(value);
            _image = value;
        }
    }

    public bool HasImage => _image is not null;

    /// <summary>The encoded rendition, once the encode step has run.</summary>
    public byte[]? Output { get; set; }

    /// <summary>
    /// The plan's scaled size as the image is now: swapped while one quarter turn is outstanding (EXIF's
    /// or <c>rot</c>'s; both at once cancel out).
    /// </summary>
    public (int Width, int Height) ScaledSizeAsStored =>
        Plan.Scaled((Source.QuarterTurn && !Oriented) ^ (Spec.Turn.SwapsSides && !Turned));

    public void Dispose()
    {
        foreach (var image in _images)
        {
            image.Dispose();
        }

        _images.Clear();
    }
}

/// <summary>One small piece of the pipeline. Steps run in the order <see cref="ImagePipeline"/> lists them.</summary>
public interface IPipelineStep
{
    void Run(PipelineContext context);
}
