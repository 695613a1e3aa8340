using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ImageApi.Processing.Jpeg;

/// <summary>
/// Inverse DCTs that produce a W×H block (W, H ∈ {1, 2, 4, 8}) from the lowest W×H coefficients of an
/// 8×8 block: the image at W/8 × H/8 of its size, as libjpeg's scaled IDCTs do. The N-point basis is
/// c(u)/2 · cos((2x+1)uπ/2N) — with N = 8 the ordinary IDCT — so every size keeps the block's mean.
/// A block is the sum of its non-zero coefficients' basis images; after quantisation most of the
/// coefficients a scaled block keeps are zero, so this does far less than a full matrix product.
/// </summary>
[SkipLocalsInit]
internal sealed class ScaledIdct
{
    private readonly int _width;
    private readonly int _height;
    private readonly int _vectors;
    private readonly float _dcStep;

    // Basis image of each coefficient slot (v * width + u), dequantised, in vectors of four pixels.
    private readonly Vector128<float>[] _basis;

    /// <param name="quant">The quantisation step of each slot, laid out as the coefficients are.</param>
    public ScaledIdct(int width, int height, ReadOnlySpan<float> quant)
    {
        _width = width;
        _height = height;
        var pixels = width * height;
        _vectors = (pixels + 3) / 4;
        _dcStep = quant[0] / 8f;
        _basis = new Vector128<float>[pixels * _vectors];
        Span<float> image = stackalloc float[_vectors * 4];
        for (var v = 0; v < height; v++)
        {
            for (var u = 0; u < width; u++)
            {
                image.Clear();
                var slot = (v * width) + u;
                for (var y = 0; y < height; y++)
                {
                    for (var x = 0; x < width; x++)
                    {
                        image[(y * width) + x] = (float)(Cosine(height, y, v) * Cosine(width, x, u) * quant[slot]);
                    }
                }

                for (var i = 0; i < _vectors; i++)
                {
                    _basis[(slot * _vectors) + i] = Vector128.Create(image.Slice(i * 4, 4));
                }
            }
        }
    }

    public int Slots => _width * _height;

    /// <summary>
    /// Transforms a component's blocks, <paramref name="blocksPerRow"/> × <paramref name="rows"/> of them
    /// (<see cref="Slots"/> coefficients each), into a plane of pixels <paramref name="stride"/> bytes a row.
    /// </summary>
    public void TransformPlane(ReadOnlySpan<short> coefficients, int blocksPerRow, int rows, Span<byte> plane, int stride)
    {
        var slots = Slots;
        for (var row = 0; row < rows; row++)
        {
            var line = plane[(row * _height * stride)..];
            for (var column = 0; column < blocksPerRow; column++)
            {
                var block = coefficients.Slice(((row * blocksPerRow) + column) * slots, slots);
                var nonZero = NonZeroSlots(block);
                var output = line[(column * _width)..];
                if (nonZero <= 1)
                {
                    // A flat block (the most common kind): its mean everywhere.
                    Fill((byte)Math.Clamp((int)((block[0] * _dcStep) + 128.5f), 0, 255), output, stride);
                }
                else
                {
                    Transform(block, nonZero, output, stride);
                }
            }
        }
    }

    private void Transform(ReadOnlySpan<short> coefficients, ulong nonZero, Span<byte> output, int stride)
    {
        Span<Vector128<float>> sums = stackalloc Vector128<float>[16];
        var bias = Vector128.Create(128.5f);
        for (var i = 0; i < _vectors; i++)
        {
            sums[i] = bias;
        }

        var basis = _basis.AsSpan();
        while (nonZero != 0)
        {
            var slot = System.Numerics.BitOperations.TrailingZeroCount(nonZero);
            nonZero &= nonZero - 1;
            var factor = Vector128.Create((float)coefficients[slot]);
            var image = basis.Slice(slot * _vectors, _vectors);
            for (var i = 0; i < image.Length; i++)
            {
                sums[i] += image[i] * factor;
            }
        }

        switch (_width)
        {
            case 8:
                for (var y = 0; y < _height; y++)
                {
                    var row = Vector128.Narrow(ToInts(sums[2 * y]), ToInts(sums[(2 * y) + 1]));
                    BinaryPrimitives.WriteUInt64LittleEndian(output[(y * stride)..], Vector128.Narrow(row, row).AsUInt64().ToScalar());
                }

                break;
            case 4:
                for (var y = 0; y < _height; y++)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(output[(y * stride)..], ToBytes(sums[y]).ToScalar());
                }

                break;
            case 2:
                // Each vector holds two rows (one, for a 2×1 block).
                for (var y = 0; y < _height; y++)
                {
                    var pixels = ToBytes(sums[y / 2]).ToScalar();
                    BinaryPrimitives.WriteUInt16LittleEndian(output[(y * stride)..], (ushort)(pixels >> (16 * (y % 2))));
                }

                break;
            default:
                // Each vector holds four rows of one pixel.
                for (var y = 0; y < _height; y++)
                {
                    output[y * stride] = (byte)(ToBytes(sums[y / 4]).ToScalar() >> (8 * (y % 4)));
                }

                break;
        }
    }

    private void Fill(byte value, Span<byte> output, int stride)
    {
        if (_width == 1 && _height == 1)
        {
            output[0] = value;
            return;
        }

        var pattern = value * 0x0101010101010101UL;
        for (var y = 0; y < _height; y++)
        {
            var row = output[(y * stride)..];
            switch (_width)
            {
                case 8:
                    BinaryPrimitives.WriteUInt64LittleEndian(row, pattern);
                    break;
                case 4:
                    BinaryPrimitives.WriteUInt32LittleEndian(row, (uint)pattern);
                    break;
                case 2:
                    BinaryPrimitives.WriteUInt16LittleEndian(row, (ushort)pattern);
                    break;
                default:
                    row[0] = (byte)pattern;
                    break;
            }
        }
    }

    // Rounded (the sums carry +0.5) and clamped to 0..255.
    private static Vector128<int> ToInts(Vector128<float> sums) =>
        Vector128.ConvertToInt32(Vector128.Min(Vector128.Max(sums, Vector128<float>.Zero), Vector128.Create(255f)));

    // The four pixels of one vector, in its low 32 bits.
    private static Vector128<uint> ToBytes(Vector128<float> sums)
    {
        var values = ToInts(sums);
        var shorts = Vector128.Narrow(values, values);
        return Vector128.Narrow(shorts, shorts).AsUInt32();
    }

    private static ulong NonZeroSlots(ReadOnlySpan<short> coefficients)
    {
        if (coefficients.Length < 8)
        {
            ulong scalarMask = 0;
            for (var i = 0; i < coefficients.Length; i++)
            {
                if (coefficients[i] != 0)
                {
                    scalarMask |= 1UL << i;
                }
            }

            return scalarMask;
        }

        ulong mask = 0;
        for (var i = 0; i < coefficients.Length; i += 8)
        {
            var zero = Vector128.Equals(Vector128.Create(coefficients.Slice(i, 8)), Vector128<short>.Zero);
            mask |= (ulong)(~zero.ExtractMostSignificantBits() & 0xFF) << i;
        }

        return mask;
    }

    private static double Cosine(int size, int x, int u) =>
        (u == 0 ? 1 / Math.Sqrt(2) : 1.0) / 2 * Math.Cos((2 * x + 1) * u * Math.PI / (2 * size));
}
