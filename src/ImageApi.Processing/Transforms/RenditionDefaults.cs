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
    public OutputFormat Format { get; set; } = OutputFormat.Webp;
    public int Quality { get; set; } = 80;
    public int MaxWidth { get; set; } = 4096;
    public int MaxHeight { get; set; } = 4096;

    /// <summary>When not empty, the only widths a request may ask for (each new size is new work to do and store).</summary>
    public IList<int> AllowedWidths { get; set; } = [];

    /// <summary>When not empty, the only heights a request may ask for.</summary>
    public IList<int> AllowedHeights { get; set; } = [];
}
