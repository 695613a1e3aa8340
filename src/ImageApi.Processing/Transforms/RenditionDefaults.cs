using ImageApi.Processing.Formats;

namespace ImageApi.Processing.Transforms;

/// <summary>
/// What a request gets for everything it does not say, and the largest output it may ask for.
/// The default rendition made at upload time is simply a request with no parameters.
/// </summary>
public sealed class RenditionDefaults
{
    public int Width { get; set; } = 800;
    public int Height { get; set; } = 800;
    public FitMode Fit { get; set; } = FitMode.Inside;
    /// <summary>The default format's name (a format of <see cref="OutputFormats"/>; not <c>auto</c>).</summary>
    public string Format { get; set; } = "webp";

    /// <summary>The quality of WebP and JPEG when a request gives none; other lossy formats use their registry default.</summary>
    public int Quality { get; set; } = 80;

    /// <summary>The default format (<see cref="Format"/>, looked up).</summary>
    public OutputFormat OutputFormat => OutputFormats.Find(Format) ?? throw new InvalidOperationException($"Renditions:Format '{Format}' is not an output format.");

    /// <summary>The quality a lossy format gets when a request gives none.</summary>
    public int QualityFor(OutputFormat format) => format == OutputFormats.Webp || format == OutputFormats.Jpeg ? Quality : format.DefaultQuality;
    public int MaxWidth { get; set; } = 4096;
    public int MaxHeight { get; set; } = 4096;

    /// <summary>
    /// Off (the default): the output is never larger than the original in either dimension; a box larger
    /// than the original keeps its aspect ratio at the largest size the original allows.
    /// </summary>
    public bool AllowEnlargement { get; set; }

    /// <summary>When not empty, the only widths a request may ask for (each new size is new work to do and store).</summary>
    public IList<int> AllowedWidths { get; set; } = [];

    /// <summary>When not empty, the only heights a request may ask for.</summary>
    public IList<int> AllowedHeights { get; set; } = [];

    /// <summary>When not empty, the only <c>q</c> values a request may ask for.</summary>
    public IList<int> AllowedQualities { get; set; } = [];

    /// <summary>These settings without the allowed widths and heights (a copy; this one is unchanged).</summary>
    public RenditionDefaults WithoutSizeLists()
    {
        var copy = (RenditionDefaults)MemberwiseClone();
        copy.AllowedWidths = [];
        copy.AllowedHeights = [];
        return copy;
    }

    /// <summary>When not empty, the only <c>format</c> values a request may ask for (format names, or <c>auto</c>).</summary>
    public IList<string> AllowedFormats { get; set; } = [];
}
