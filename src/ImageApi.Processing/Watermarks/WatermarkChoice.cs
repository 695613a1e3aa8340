namespace ImageApi.Processing.Watermarks;

/// <summary>Which watermark a rendition gets. Only a preset may choose <see cref="None"/>; a viewer never chooses.</summary>
public enum WatermarkChoice
{
    /// <summary>The configured watermark, wherever it covers the original.</summary>
    Default,

    /// <summary>No mark (a preset for avatars, say).</summary>
    None,
}
