using ImageApi.Processing.Formats;

namespace ImageApi.Processing.Transforms;

/// <summary>
/// A parsed, validated and canonicalised transform request. Two requests that would produce the same
/// bytes compare equal, so the rendition name derived from them is the same.
/// </summary>
/// <remarks>
/// Canonical form: when both dimensions are omitted the default box is filled in; when only one is
/// given, <see cref="Fit"/> cannot change the output and is always <see cref="FitMode.Inside"/>;
/// <see cref="Gravity"/> only matters to <see cref="FitMode.Cover"/> and is <see cref="Gravity.Center"/>
/// for the other modes; <c>rot</c> and <c>flip</c> are one <see cref="Turn"/>.
/// </remarks>
/// <param name="Format">The format asked for; null for <c>format=auto</c>, negotiated on <c>Accept</c>.</param>
/// <param name="Quality">The quality asked for; null when the request gives none (the format's default applies).</param>
public sealed record TransformRequest(int? Width, int? Height, FitMode Fit, OutputFormat? Format, int? Quality)
{
    /// <summary>Which part a <c>cover</c> crop keeps.</summary>
    public Gravity Gravity { get; init; }

    /// <summary>The request's own focal point (<c>fp-x</c>, <c>fp-y</c>), only with <see cref="Gravity.Focal"/>.</summary>
    public FocalPoint? Focus { get; init; }

    /// <summary>The <c>bg</c> colour: padding of <c>contain</c>, and what transparency is flattened onto.</summary>
    public Rgba? Background { get; init; }

    public Turn Turn { get; init; }

    /// <summary>Gaussian blur sigma, in output pixels.</summary>
    public decimal? Blur { get; init; }

    /// <summary>Sharpen sigma, in output pixels.</summary>
    public decimal? Sharpen { get; init; }

    /// <summary>Which watermark policy applies: the site's default, unless a preset says none. No request parameter sets it.</summary>
    public Watermarks.WatermarkChoice Watermark { get; init; }

    public static TransformRequest Default(RenditionDefaults defaults) => Create(new TransformDraft(defaults), defaults);

    public bool IsAuto => Format is null;

    internal static TransformRequest Create(TransformDraft draft, RenditionDefaults defaults)
    {
        int? width = draft.Width, height = draft.Height;
        var fit = draft.Fit;
        if (width is null && height is null)
        {
            width = defaults.Width;
            height = defaults.Height;
        }

        if (width is null || height is null)
        {
            fit = FitMode.Inside;
        }

        var gravity = fit == FitMode.Cover ? draft.Gravity ?? (draft.Focus is null ? Gravity.Center : Gravity.Focal) : Gravity.Center;
        return new TransformRequest(width, height, fit, draft.Format, draft.Quality)
        {
            Gravity = gravity,
            Focus = gravity == Gravity.Focal ? draft.Focus : null,
            Background = draft.Background,
            Turn = Turn.Of(draft.Rotation, draft.Flip),
            Blur = draft.Blur,
            Sharpen = draft.Sharpen,
        };
    }

    /// <summary>
    /// Fixes the output format and quality. <c>auto</c> becomes AVIF when the client takes it and the
    /// output has at most <paramref name="autoAvifMaxPixels"/> pixels (AVIF's encode time grows with
    /// the area), then WebP when the client takes it, otherwise PNG for sources with transparency and
    /// JPEG for the rest.
    /// </summary>
    /// <param name="outputPixels">The output's area, from the plan; only read for <c>auto</c>.</param>
    public RenditionSpec Resolve(FormatSupport accepts, bool sourceHasAlpha, long outputPixels, long autoAvifMaxPixels, RenditionDefaults defaults)
    {
        var format = Format
            ?? (accepts.Avif && outputPixels <= autoAvifMaxPixels ? OutputFormats.Avif
            : accepts.Webp ? OutputFormats.Webp
            : sourceHasAlpha ? OutputFormats.Png
            : OutputFormats.Jpeg);
        return new RenditionSpec(Width, Height, Fit, format, format.IsLossy ? Quality ?? defaults.QualityFor(format) : null)
        {
            Gravity = Gravity,
            Focus = Focus,
            Background = BackgroundFor(Background, format, Fit),
            Turn = Turn,
            Blur = Blur,
            Sharpen = Sharpen,
        };
    }

    // Only what can change the bytes: a format without alpha pads and flattens onto the colour without
    // its alpha (white is what it does anyway); a format with alpha only pads with it, transparent anyway.
    private static Rgba? BackgroundFor(Rgba? background, OutputFormat format, FitMode fit) => background switch
    {
        null => null,
        { } colour when !format.SupportsAlpha => colour.Opaque == Rgba.White ? null : colour.Opaque,
        { } colour => fit == FitMode.Contain && colour != Rgba.Transparent ? colour : null,
    };

    /// <summary>Fixes a request whose format is not <c>auto</c>: nothing about the client or source can change it.</summary>
    /// <exception cref="InvalidOperationException">The request is <c>auto</c>.</exception>
    public RenditionSpec Resolve(RenditionDefaults defaults) =>
        Format is null ? throw new InvalidOperationException("format=auto needs the client's Accept header and the source's facts.")
        : Resolve(FormatSupport.None, false, 0, 0, defaults);

    /// <summary>Whether resolving needs to know the source (its transparency or its size).</summary>
    public bool NeedsSourceFacts(FormatSupport accepts) => Format is null && (accepts.Avif || !accepts.Webp);
}

/// <summary>
/// Everything that decides the bytes of one rendition, with nothing left to negotiate but the
/// original's own focal point (<see cref="UsesOriginalFocalPoint"/>, fixed by <see cref="ForOriginal"/>).
/// <see cref="Quality"/> is null for lossless formats, where it would not change the output;
/// <see cref="Background"/> null where it would not.
/// </summary>
public sealed record RenditionSpec(int? Width, int? Height, FitMode Fit, OutputFormat Format, int? Quality)
{
    public Gravity Gravity { get; init; }

    /// <summary>With <see cref="Gravity.Focal"/>: the point to keep; null for the original's own.</summary>
    public FocalPoint? Focus { get; init; }

    public Rgba? Background { get; init; }

    public Turn Turn { get; init; }

    public decimal? Blur { get; init; }

    public decimal? Sharpen { get; init; }

    /// <summary>Whether the output depends on the focal point stored with the original (so changing that point makes it stale).</summary>
    public bool UsesOriginalFocalPoint => Gravity == Gravity.Auto || (Gravity == Gravity.Focal && Focus is null);

    /// <summary>
    /// The spec to render for an original whose own focal point is <paramref name="original"/>:
    /// <c>focal</c> without a point takes it (the centre when there is none), <c>auto</c> takes it or
    /// becomes <c>smart</c>. The stored name stays that of this spec.
    /// </summary>
    public RenditionSpec ForOriginal(FocalPoint? original) => Gravity switch
    {
        Gravity.Focal when Focus is null => this with { Focus = original ?? new FocalPoint(0.5m, 0.5m) },
        Gravity.Auto => original is { } point ? this with { Gravity = Gravity.Focal, Focus = point } : this with { Gravity = Gravity.Smart },
        _ => this,
    };
    /// <summary>
    /// The mark composed over the output, or null for none. Never from a request parameter: the host
    /// decides it per original (and per preset), and its fingerprint is part of the stored name.
    /// </summary>
    public Watermarks.WatermarkPolicy? Watermark { get; init; }
}
