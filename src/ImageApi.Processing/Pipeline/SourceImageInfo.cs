namespace ImageApi.Processing.Pipeline;

/// <summary>What the header of an accepted original says, read without decoding its pixels.</summary>
/// <param name="Format">JPEG, PNG, WebP or GIF.</param>
/// <param name="Width">Width after EXIF orientation is applied.</param>
/// <param name="Height">Height after EXIF orientation is applied.</param>
/// <param name="HasAlpha">Whether the source can carry transparency (decides <c>format=auto</c> without WebP).</param>
public sealed record SourceImageInfo(string Format, int Width, int Height, bool HasAlpha, long Bytes)
{
    /// <summary>EXIF says the stored pixels are turned a quarter: the stored sides are <see cref="Height"/>×<see cref="Width"/>.</summary>
    public bool QuarterTurn { get; init; }
}
