using ImageApi.Processing.Formats;

namespace ImageApi.Processing.Transforms;

/// <summary>
/// A parsed, validated and canonicalised transform request. Two requests that would produce the same
/// bytes compare equal, so the rendition name derived from them is the same.
/// </summary>
/// <remarks>
/// Canonical form: when both dimensions are omitted the default box is filled in; when only one is
/// given, <see cref="Fit"/> cannot change the output and is always <see cref="FitMode.Inside"/>.
/// </remarks>
/// <param name="Format">The format asked for; null for <c>format=auto</c>, negotiated on <c>Accept</c>.</param>
/// <param name="Quality">The quality asked for; null when the request gives none (the format's default applies).</param>
public sealed record TransformRequest(int? Width, int? Height, FitMode Fit, OutputFormat? Format, int? Quality)
{
    /// <summary>Which watermark policy applies: the site's default, unless a preset says none. No request parameter sets it.</summary>
    public Watermarks.WatermarkChoice Watermark { get; init; }

    public static TransformRequest Default(RenditionDefaults defaults) =>
        Create(null, null, defaults.Fit, defaults.OutputFormat, null, defaults);

    public bool IsAuto => Format is null;

    internal static TransformRequest Create(int? width, int? height, FitMode fit, OutputFormat? format, int? quality, RenditionDefaults defaults)
    {
        if (width is null && height is null)
        {
            width = defaults.Width;
            height = defaults.Height;
        }

        if (width is null || height is null)
        {
            fit = FitMode.Inside;
        }

        return new TransformRequest(width, height, fit, format, quality);
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
        return new RenditionSpec(Width, Height, Fit, format, format.IsLossy ? Quality ?? defaults.QualityFor(format) : null);
    }

    /// <summary>Fixes a request whose format is not <c>auto</c>: nothing about the client or source can change it.</summary>
    /// <exception cref="InvalidOperationException">The request is <c>auto</c>.</exception>
    public RenditionSpec Resolve(RenditionDefaults defaults) =>
        Format is null ? throw new InvalidOperationException("format=auto needs the client's Accept header and the source's facts.")
        : Resolve(FormatSupport.None, false, 0, 0, defaults);

    /// <summary>Whether resolving needs to know the source (its transparency or its size).</summary>
    public bool NeedsSourceFacts(FormatSupport accepts) => Format is null && (accepts.Avif || !accepts.Webp);
}

/// <summary>
/// Everything that decides the bytes of one rendition, with nothing left to negotiate.
/// <see cref="Quality"/> is null for lossless formats, where it would not change the output.
/// </summary>
public sealed record RenditionSpec(int? Width, int? Height, FitMode Fit, OutputFormat Format, int? Quality)
{
    /// <summary>
    /// The mark composed over the output, or null for none. Never from a request parameter: the host
    /// decides it per original (and per preset), and its fingerprint is part of the stored name.
    /// </summary>
    public Watermarks.WatermarkPolicy? Watermark { get; init; }
}
