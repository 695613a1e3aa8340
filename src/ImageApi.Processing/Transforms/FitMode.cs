namespace ImageApi.Processing.Transforms;

/// <summary>How the source is placed in the target box when both width and height are given.</summary>
public enum FitMode
{
    /// <summary>Keep the aspect ratio and fit inside the box; never enlarge.</summary>
    Inside,
    /// <summary>Fill the box exactly, cropping the centre.</summary>
    Cover,
    /// <summary>Fit inside the box and pad the rest (transparent, or white for JPEG).</summary>
    Contain,
    /// <summary>Stretch to the box, ignoring the aspect ratio.</summary>
    Fill,
}
