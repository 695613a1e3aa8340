using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ImageApi.Processing.Pipeline;

/// <summary>
/// Halves an opaque RGBA image by averaging each 2×2 cell, as libvips' shrink does before its reduce.
/// ImageSharp's resampler widens every source pixel to four floats, so most of resizing a 16-megapixel
/// WebP to 800 px is reading it; averaging its bytes four pixels at a time is a fraction of that, and
/// bicubic then reduces a quarter of the pixels. (JPEGs get the same from DCT scaling.)
/// </summary>
internal static class BoxShrink
{
    private static readonly Vector128<uint> Low7 = Vector128.Create(0x7F7F7F7Fu);

    /// <returns>The halved image; odd sides round up, the last column or row pairing with itself.</returns>
    public static Image<Rgba32> Halve(Image<Rgba32> source, Configuration configuration)
    {
        var (width, height) = ((source.Width + 1) / 2, (source.Height + 1) / 2);
        var target = new Image<Rgba32>(configuration, width, height);
        try
        {
            source.ProcessPixelRows(target, (from, to) =>
            {
                for (var y = 0; y < height; y++)
                {
                    var top = MemoryMarshal.Cast<Rgba32, uint>(from.GetRowSpan(2 * y));
                    var bottom = MemoryMarshal.Cast<Rgba32, uint>(from.GetRowSpan(Math.Min((2 * y) + 1, source.Height - 1)));
                    var row = MemoryMarshal.Cast<Rgba32, uint>(to.GetRowSpan(y));
                    var x = 0;
                    for (; x + 4 <= width && (2 * x) + 8 <= top.Length; x += 4)
                    {
                        var average = Floor(Pairs(top.Slice(2 * x, 8)), Pairs(bottom.Slice(2 * x, 8)));
                        average.CopyTo(row.Slice(x, 4));
                    }

                    for (; x < width; x++)
                    {
                        var right = Math.Min((2 * x) + 1, top.Length - 1);
                        row[x] = Floor(Ceiling(top[2 * x], top[right]), Ceiling(bottom[2 * x], bottom[right]));
                    }
                }
            });
            return target;
        }
        catch
        {
            target.Dispose();
            throw;
        }
    }

    // Eight pixels → the four averages of neighbours (p0,p1), (p2,p3), … rounded up. (Gathered
    // element by element: Vector128.Shuffle of a loaded vector measured three times slower here.)
    private static Vector128<uint> Pairs(ReadOnlySpan<uint> pixels)
    {
        var even = Vector128.Create(pixels[0], pixels[2], pixels[4], pixels[6]);
        var odd = Vector128.Create(pixels[1], pixels[3], pixels[5], pixels[7]);
        return (even | odd) - (((even ^ odd) >> 1) & Low7);
    }

    // Byte-wise averages without widening (each byte's carry masked off): rounded down here and up in
    // Pairs, so the two roundings of a 2×2 mean cancel on average.
    private static Vector128<uint> Floor(Vector128<uint> a, Vector128<uint> b) => (a & b) + (((a ^ b) >> 1) & Low7);

    private static uint Floor(uint a, uint b) => (a & b) + (((a ^ b) >> 1) & 0x7F7F7F7Fu);

    private static uint Ceiling(uint a, uint b) => (a | b) - (((a ^ b) >> 1) & 0x7F7F7F7Fu);
}
