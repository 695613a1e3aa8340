namespace ImageApi.Processing.Transforms;

/// <summary>
/// A parsed, validated and canonicalised transform request. Two requests that would produce the same
/// bytes compare equal, so the rendition name derived from them is the same.
/// </summary>
/// <remarks>
/// Canonical form: when both dimensions are omitted the default box is filled in; when only one is
/// given, <see cref="Fit"/> cannot change the output and is always <see cref="FitMode.Inside"/>.
/// </remarks>
public sealed record TransformRequest(int? Width, int? Height, FitMode Fit, RequestedFormat Format, int Quality)
{
    public static TransformRequest Default(RenditionDefaults defaults) =>
        Create(null, null, defaults.Fit, defaults.Format.AsRequested(), defaults.Quality, defaults);

    internal static TransformRequest Create(int? width, int? height, FitMode fit, RequestedFormat format, int quality, RenditionDefaults defaults)
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
    /// Fixes the output format. <c>auto</c> becomes WebP when the client accepts it, otherwise PNG for
    /// sources with transparency and JPEG for the rest.
    /// </summary>
    public RenditionSpec Resolve(bool clientAcceptsWebp, bool sourceHasAlpha)
    {
        var format = Format switch
        {
            RequestedFormat.Webp => OutputFormat.Webp,
            RequestedFormat.Jpeg => OutputFormat.Jpeg,
            RequestedFormat.Png => OutputFormat.Png,
            RequestedFormat.Gif => OutputFormat.Gif,
            RequestedFormat.Auto when clientAcceptsWebp => OutputFormat.Webp,
            RequestedFormat.Auto when sourceHasAlpha => OutputFormat.Png,
            RequestedFormat.Auto => OutputFormat.Jpeg,
            _ => throw new InvalidOperationException($"Unknown format {Format}."),
        };
        return new RenditionSpec(Width, Height, Fit, format, format.IsLossy() ? Quality : null);
    }

    /// <summary>Whether resolving needs to know if the source has transparency.</summary>
    public bool NeedsSourceAlpha(bool clientAcceptsWebp) => Format == RequestedFormat.Auto && !clientAcceptsWebp;
}

/// <summary>
/// Everything that decides the bytes of one rendition, with nothing left to negotiate.
/// <see cref="Quality"/> is null for lossless formats, where it would not change the output.
/// </summary>
public sealed record RenditionSpec(int? Width, int? Height, FitMode Fit, OutputFormat Format, int? Quality);
