using ImageApi.Processing.Formats;
using NetVips;

namespace ImageApi.Processing.Pipeline;

/// <summary>
/// An intermediate's pixels, decoded once and held in memory: later sizes of its original start from
/// them instead of decoding the stored intermediate, which is most of what cutting a small size costs.
/// Never written to; any number of renders may read it at once.
/// </summary>
public sealed class DecodedIntermediate
{
    private readonly byte[] _pixels;
    private readonly int _bands;
    private readonly Enums.Interpretation _interpretation;

    private DecodedIntermediate(byte[] pixels, int bands, Enums.Interpretation interpretation, SourceImageInfo upright, Dimensions original, SourceFormat storedAs)
    {
        StoredAs = storedAs;
        _pixels = pixels;
        _bands = bands;
        _interpretation = interpretation;
        Upright = upright;
        Original = original;
    }

    public int Width => Upright.Width;

    public int Height => Upright.Height;

    /// <summary>The (oriented) size of the original it stands for: renditions are planned from it.</summary>
    public Dimensions Original { get; }

    /// <summary>Memory the pixels take.</summary>
    public long Bytes => _pixels.LongLength;

    /// <summary>The format its stored file has (JPEG, or WebP with alpha): renditions cut from the pixels are shrunk as that file's decode would be.</summary>
    internal SourceFormat StoredAs { get; }

    /// <summary>The intermediate as a source: upright, at its own size.</summary>
    internal SourceImageInfo Upright { get; }

    /// <summary>
    /// Computes <paramref name="image"/> (upright, 8-bit sRGB, at the intermediate's size) into memory.
    /// </summary>
    /// <param name="source">What the header of the image it was made from said; kept with the upright size.</param>
    /// <param name="storedAs">The format of the intermediate's stored file.</param>
    internal static DecodedIntermediate From(Image image, SourceImageInfo source, Dimensions original, SourceFormat storedAs)
    {
        if (image.Format != Enums.BandFormat.Uchar)
        {
            throw new ArgumentException($"An intermediate is 8-bit, not {image.Format}.", nameof(image));
        }

        var upright = source with { Orientation = 1, Width = image.Width, Height = image.Height, HasAlpha = image.HasAlpha() };
        return new DecodedIntermediate(image.WriteToMemory<byte>(), image.Bands, image.Interpretation, upright, original, storedAs);
    }

    /// <summary>A libvips image over the pixels, without copying them (libvips pins the array while the image lives).</summary>
    internal Image Open()
    {
        using var raw = Image.NewFromMemory(_pixels, Width, Height, _bands, Enums.BandFormat.Uchar);
        return raw.Copy(interpretation: _interpretation);
    }
}
