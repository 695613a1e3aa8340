using ImageApi.Processing.Formats;

namespace ImageApi.Processing.Pipeline;

/// <summary>What the header of an accepted original says, read without decoding its pixels.</summary>
/// <param name="Format">JPEG, PNG, WebP or GIF.</param>
/// <param name="Width">Width after EXIF orientation is applied.</param>
/// <param name="Height">Height after EXIF orientation is applied.</param>
/// <param name="HasAlpha">Whether it has an alpha channel (a PNG's tRNS chunk and a GIF's transparent index count).</param>
/// <param name="Bytes">Size of the file.</param>
public sealed record SourceImageInfo(SourceFormat Format, int Width, int Height, bool HasAlpha, long Bytes)
{
    /// <summary>EXIF orientation, 1–8 (1: as stored).</summary>
    public int Orientation { get; init; } = 1;

    /// <summary>EXIF says the stored pixels are turned a quarter: the stored sides are <see cref="Height"/>×<see cref="Width"/>.</summary>
    public bool QuarterTurn => Orientation >= 5;

    /// <summary>Frames of an animation (1 for a still image); only the first is rendered.</summary>
    public int Frames { get; init; } = 1;

    /// <summary>
    /// Memory the decoded pixels of the first frame take at full size: width × height × bands × bytes per
    /// sample, with at least 256 lines counted (libvips keeps a window of full-width lines in flight).
    /// </summary>
    public long DecodedBytes { get; init; }

    public int StoredWidth => QuarterTurn ? Height : Width;

    public int StoredHeight => QuarterTurn ? Width : Height;
}
