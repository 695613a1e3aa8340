using System.Diagnostics;
using ImageApi.Processing.Engine;
using ImageApi.Processing.Formats;
using ImageApi.Processing.Limits;
using ImageApi.Processing.Pipeline.Steps;
using ImageApi.Processing.Transforms;

namespace ImageApi.Processing.Pipeline;

/// <summary>
/// Renders originals on libvips: inspect the header (limits), plan the geometry once, then run the
/// steps. Thread-safe; one instance serves every request.
/// </summary>
/// <remarks>
/// The steps, in order: load (shrinking on load) → resize → orient → to sRGB → turn (rot, flip) →
/// fit (crop or pad, by gravity) → blur → sharpen → watermark → flatten → encode, whatever order the
/// query gave. Orientation, colour conversion and the turn follow the resize because they cost per
/// pixel and the resized image has a fraction of the original's; the plan is in the output's frame, so
/// the resize step knows which stored side becomes which. The filters run on the output's pixels, so a
/// sigma means the same at every size; the mark comes after them, so no filter blurs it.
/// </remarks>
public sealed class ImagePipeline
{
    private readonly ProcessingLimits _limits;
    private readonly RenditionDefaults _defaults;
    private readonly PipelineOptions _options;
    private readonly DecodeBudget _budget;
    private readonly EncoderSettings _encoder;

    /// <summary>Up to an upright, sRGB image at the plan's scaled size: what the intermediate is made of.</summary>
    private readonly IReadOnlyList<IPipelineStep> _prepare;

    /// <summary>From an upright, sRGB image at the plan's scaled size to the encoded rendition.</summary>
    /// <remarks>The watermark is here, never in <see cref="_prepare"/>: the intermediate is never marked, renditions cut from it are.</remarks>
    private readonly IReadOnlyList<IPipelineStep> _finish = [new TurnStep(), new FitStep(), new BlurStep(), new SharpenStep(), new WatermarkStep(), new FlattenStep(), new EncodeStep()];

    /// <summary>From an upright, sRGB intermediate (in memory) to the encoded rendition.</summary>
    private readonly IReadOnlyList<IPipelineStep> _cut;

    public ImagePipeline(ProcessingLimits limits, RenditionDefaults defaults, PipelineOptions? options = null, DecodeBudget? budget = null)
    {
        _limits = limits;
        _defaults = defaults;
        _options = options ?? new PipelineOptions();
        _budget = budget ?? new DecodeBudget(limits);
        _encoder = new EncoderSettings(_options.WebpEffort, _options.AvifEffort);
        _prepare = [new LoadStep(_options.ShrinkOnLoad), new ResizeStep(), new OrientStep(), new ToSrgbStep()];
        _cut = [new ResizeStep(), .. _finish];
        VipsEngine.Initialize(_options.Parallelism);
    }

    public ProcessingLimits Limits => _limits;

    public DecodeBudget Budget => _budget;

    /// <summary>Sniffs the format, reads the header and enforces the byte, pixel, memory, frame and scan limits.</summary>
    /// <exception cref="ImageRejectedException">The original is refused; the subtype says why.</exception>
    public SourceImageInfo Inspect(Stream source) => SourceLoader.Inspect(ReadAll(source), _limits);

    /// <summary>Plans a rendition of an original of the given (oriented) size.</summary>
    /// <exception cref="OutputTooLargeException">The output would exceed the maximum size.</exception>
    public ResizePlan Plan(Dimensions original, RenditionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var (width, height) = spec.Turn.SwapsSides ? (original.Height, original.Width) : (original.Width, original.Height);
        return ResizePlan.For(width, height, spec, _defaults.MaxWidth, _defaults.MaxHeight, _defaults.AllowEnlargement);
    }

    /// <summary>Makes one rendition of the image in <paramref name="source"/>.</summary>
    /// <param name="plannedFrom">
    /// When <paramref name="source"/> is an intermediate: the original's (oriented) size, so the output
    /// has exactly the size a rendition from the original would have.
    /// </param>
    /// <exception cref="ImageRejectedException">The original or the request is refused; the subtype says why.</exception>
    /// <exception cref="DecodeBudgetExhaustedException">Other renders hold the whole decode budget.</exception>
    public RenderedImage Render(Stream source, RenditionSpec spec, Dimensions? plannedFrom = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var clock = Stopwatch.StartNew();
        var bytes = ReadAll(source);
        var info = SourceLoader.Inspect(bytes, _limits);
        var plan = Plan(plannedFrom ?? new Dimensions(info.Width, info.Height), spec);
        return RenderPlanned(bytes, info, spec, plan, clock, cancellationToken);
    }

    /// <summary>Every step, from the bytes to the encoded rendition, for a plan already made (<paramref name="clock"/> started before inspecting).</summary>
    private RenderedImage RenderPlanned(byte[] bytes, SourceImageInfo info, RenditionSpec spec, ResizePlan plan, Stopwatch clock, CancellationToken cancellationToken)
    {
        var inspected = clock.Elapsed;
        using var lease = _budget.Acquire(Estimate(info, spec, plan), cancellationToken);
        using var context = new PipelineContext(bytes, info, spec, plan, _encoder, cancellationToken);
        Run(_prepare, context);
        Run(_finish, context);
        return new RenderedImage(context.Output!, spec.Format, plan.Width, plan.Height, new RenderTimings(inspected, clock.Elapsed - inspected)) { Source = info };
    }

    /// <summary>
    /// Makes a rendition of an original and, from the same decode, the intermediate later sizes are cut
    /// from: at most <see cref="PipelineOptions.IntermediateMaxDimension"/> on its long side, JPEG when the
    /// original is opaque and WebP with its alpha when not. The rendition is cut from the intermediate's
    /// pixels. Only originals larger than the intermediate get one, and only for a rendition that fits
    /// inside it; otherwise this is <see cref="Render"/>.
    /// </summary>
    /// <exception cref="ImageRejectedException">The original or the request is refused; the subtype says why.</exception>
    /// <exception cref="DecodeBudgetExhaustedException">Other renders hold the whole decode budget.</exception>
    public RenditionWithIntermediate RenderWithIntermediate(Stream source, RenditionSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var clock = Stopwatch.StartNew();
        var bytes = ReadAll(source);
        var info = SourceLoader.Inspect(bytes, _limits);
        var original = new Dimensions(info.Width, info.Height);
        var plan = Plan(original, spec);
        var inspected = clock.Elapsed;

        var max = _options.IntermediateMaxDimension;
        var intermediateFormat = info.HasAlpha ? OutputFormats.Webp : OutputFormats.Jpeg;
        var intermediateSpec = new RenditionSpec(max, max, FitMode.Inside, intermediateFormat, _options.IntermediateQuality);
        var intermediatePlan = max == 0 ? default : ResizePlan.For(info.Width, info.Height, intermediateSpec, int.MaxValue, int.MaxValue);
        if (max == 0 || (info.Width <= max && info.Height <= max) || !Fits(plan, spec, new Dimensions(intermediatePlan.Width, intermediatePlan.Height)))
        {
            return new RenditionWithIntermediate(info, RenderPlanned(bytes, info, spec, plan, clock, cancellationToken), null);
        }

        using var lease = _budget.Acquire(Estimate(info, intermediateSpec, intermediatePlan), cancellationToken);
        using var prepared = new PipelineContext(bytes, info, intermediateSpec, intermediatePlan, _encoder, cancellationToken);
        Run(_prepare, prepared);

        // Held in memory once: the intermediate is encoded from it, the rendition cut from it, and the
        // caller may keep it for later sizes.
        var decoded = SourceLoader.Translate(() => DecodedIntermediate.From(prepared.Image, info, original, info.HasAlpha ? SourceFormat.Webp : SourceFormat.Jpeg));
        prepared.Image = decoded.Open();
        prepared.Output = SourceLoader.Translate(() => intermediateFormat.Encoder.Encode(prepared.Image, intermediateSpec.Quality, _encoder));
        var made = clock.Elapsed;
        var intermediate = new RenderedImage(prepared.Output, intermediateFormat, intermediatePlan.Width, intermediatePlan.Height, new RenderTimings(inspected, made - inspected));

        var cut = Cut(prepared.Image, decoded.StoredAs, decoded.Upright, spec, plan, cancellationToken);
        var rendition = new RenderedImage(cut, spec.Format, plan.Width, plan.Height, new RenderTimings(inspected, clock.Elapsed - made, made - inspected)) { Source = info };
        return new RenditionWithIntermediate(info, rendition, intermediate) { Decoded = decoded };
    }

    /// <summary>Cuts a rendition from an intermediate's pixels held in memory: no decode at all.</summary>
    /// <exception cref="ArgumentException">The rendition does not fit inside the intermediate (<see cref="CanRenderFromIntermediate"/>).</exception>
    /// <exception cref="ImageRejectedException">The request is refused; the subtype says why.</exception>
    /// <exception cref="DecodeBudgetExhaustedException">Other renders hold the whole decode budget.</exception>
    public RenderedImage Render(DecodedIntermediate intermediate, RenditionSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(intermediate);
        ArgumentNullException.ThrowIfNull(spec);
        var clock = Stopwatch.StartNew();
        var plan = Plan(intermediate.Original, spec);
        if (!Fits(plan, spec, new Dimensions(intermediate.Width, intermediate.Height)))
        {
            throw new ArgumentException($"A {plan.Width}x{plan.Height} rendition does not fit inside the {intermediate.Width}x{intermediate.Height} intermediate.", nameof(spec));
        }

        // The pixels are held already (their memory is the caller's); only the output's is new.
        using var lease = _budget.Acquire(plan.Pixels * 4, cancellationToken);
        var cut = Cut(intermediate.Open(), intermediate.StoredAs, intermediate.Upright, spec, plan, cancellationToken);
        return new RenderedImage(cut, spec.Format, plan.Width, plan.Height, new RenderTimings(TimeSpan.Zero, clock.Elapsed)) { Source = intermediate.Upright };
    }

    /// <summary>
    /// Decodes a stored intermediate (made by <see cref="RenderWithIntermediate"/>) whole, to be held in
    /// memory and cut from by <see cref="Render(DecodedIntermediate, RenditionSpec, CancellationToken)"/>.
    /// </summary>
    /// <param name="original">The (oriented) size of the original it stands for.</param>
    /// <exception cref="ImageRejectedException">The bytes are not an image the service accepts.</exception>
    /// <exception cref="DecodeBudgetExhaustedException">Other renders hold the whole decode budget.</exception>
    public DecodedIntermediate Decode(Stream intermediate, Dimensions original, CancellationToken cancellationToken = default)
    {
        var bytes = ReadAll(intermediate);
        var info = SourceLoader.Inspect(bytes, _limits);
        var own = new RenditionSpec(info.Width, info.Height, FitMode.Inside, OutputFormats.Png, null);
        using var lease = _budget.Acquire(info.DecodedBytes, cancellationToken);
        using var context = new PipelineContext(bytes, info, own, ResizePlan.For(info.Width, info.Height, own, int.MaxValue, int.MaxValue), _encoder, cancellationToken);
        Run(_prepare, context);
        return SourceLoader.Translate(() => DecodedIntermediate.From(context.Image, info, original, info.Format));
    }

    /// <summary>
    /// The finishing steps on an intermediate's pixels (upright, sRGB, at least as large as the plan's
    /// scaled size), shrunk first as decoding its stored file would (<paramref name="storedAs"/>): the
    /// same rendition whether its instance holds the pixels or reads the file. <paramref name="upright"/>
    /// is disposed with them.
    /// </summary>
    private byte[] Cut(NetVips.Image upright, SourceFormat storedAs, SourceImageInfo info, RenditionSpec spec, ResizePlan plan, CancellationToken cancellationToken)
    {
        using var context = new PipelineContext([], info, spec, plan, _encoder, cancellationToken) { Oriented = true };
        context.Image = upright;
        if (_options.ShrinkOnLoad)
        {
            var (width, height) = context.ScaledSizeAsStored;
            context.PreShrink = LoadStep.ShrinkFor(storedAs, upright.Width, upright.Height, width, height);
        }

        Run(_cut, context);
        return context.Output!;
    }

    /// <summary>Whether a rendition can be cut from an intermediate of the given size without enlarging it.</summary>
    public bool CanRenderFromIntermediate(RenditionSpec spec, Dimensions original, Dimensions intermediate) =>
        Fits(Plan(original, spec), spec, intermediate);

    // The intermediate is upright but not turned: a quarter turn's scaled sides are the other way round in it.
    private static bool Fits(ResizePlan plan, RenditionSpec spec, Dimensions intermediate)
    {
        var (width, height) = plan.Scaled(spec.Turn.SwapsSides);
        return width <= intermediate.Width && height <= intermediate.Height;
    }

    private static void Run(IReadOnlyList<IPipelineStep> steps, PipelineContext context)
    {
        foreach (var step in steps)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            try
            {
                step.Run(context);
            }
            catch (NetVips.VipsException ex)
            {
                // libvips evaluates lazily: damage in the input surfaces in whichever step first pulls
                // pixels (a rotation's copy to memory, the encoder), so every step's failure is mapped.
                context.CancellationToken.ThrowIfCancellationRequested();
                throw SourceLoader.Undecodable(ex);
            }
        }
    }

    /// <summary>
    /// What a render may hold at once: the decoded image after shrink on load (libvips streams most of
    /// it, but a rotation or the intermediate holds it whole), plus the output.
    /// </summary>
    private long Estimate(SourceImageInfo info, RenditionSpec spec, ResizePlan plan)
    {
        var (width, height) = plan.Scaled(info.QuarterTurn ^ spec.Turn.SwapsSides);
        var shrink = _options.ShrinkOnLoad ? LoadStep.ShrinkFor(info.Format, info.StoredWidth, info.StoredHeight, width, height) : 1;
        return (info.DecodedBytes / ((long)shrink * shrink)) + (plan.Pixels * 4);
    }

    // libvips' buffer loaders take a byte[]; a MemoryStream over a whole array is used as it is.
    private static byte[] ReadAll(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source is MemoryStream memory && memory.Position == 0 && memory.TryGetBuffer(out var segment)
            && segment.Offset == 0 && segment.Array is { } array && array.Length == memory.Length)
        {
            return array;
        }

        var copy = new byte[source.Length - source.Position];
        source.ReadExactly(copy);
        return copy;
    }
}

/// <summary>A width and a height in pixels.</summary>
public readonly record struct Dimensions(int Width, int Height);

/// <summary>What <see cref="ImagePipeline.RenderWithIntermediate"/> made from one decode.</summary>
/// <param name="Intermediate">Null when the original is small enough to render sizes from directly, or the rendition does not fit inside one.</param>
public sealed record RenditionWithIntermediate(SourceImageInfo Source, RenderedImage Rendition, RenderedImage? Intermediate)
{
    /// <summary>The intermediate's pixels (when one was made), for the caller to keep for later sizes.</summary>
    public DecodedIntermediate? Decoded { get; init; }
}
