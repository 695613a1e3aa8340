using System.Runtime.CompilerServices;

namespace ImageApi.Processing.Jpeg;

/// <summary>
/// Reads the bits of one entropy-coded segment: removes the 0x00 stuffed after every 0xFF and stops
/// at the next marker, after which it supplies zero bits (as libjpeg does for truncated files).
/// </summary>
internal ref struct EntropyReader
{
    private readonly ReadOnlySpan<byte> _data;
    private ulong _bits;
    private int _count;

    public EntropyReader(ReadOnlySpan<byte> data, int position)
    {
        _data = data;
        Position = position;
    }

    /// <summary>The first byte not yet taken into the bit buffer; at a marker once <see cref="AtMarker"/>.</summary>
    public int Position { get; private set; }

    public bool AtMarker { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Peek(int count)
    {
        if (_count < count)
        {
            Fill();
        }

        return (int)(_bits >> (64 - count));
    }

    /// <summary>Makes sure 32 bits are buffered: enough for any Huffman code and its value bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Ensure32()
    {
        if (_count < 32)
        {
            Fill();
        }
    }

    /// <summary>The next <paramref name="count"/> bits, which <see cref="Ensure32"/> has buffered.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly int PeekBuffered(int count) => (int)(_bits >> (64 - count));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Skip(int count)
    {
        _bits <<= count;
        _count -= count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadBit()
    {
        var bit = Peek(1);
        Skip(1);
        return bit;
    }

    public int ReadBits(int count)
    {
        if (count == 0)
        {
            return 0;
        }

        var value = Peek(count);
        Skip(count);
        return value;
    }

    public void SkipBits(int count)
    {
        while (count > 0)
        {
            var step = Math.Min(count, 32);
            Ensure32();
            Skip(step);
            count -= step;
        }
    }

    /// <summary>Reads <paramref name="size"/> bits as a signed coefficient (T.81 F.2.2.1, EXTEND).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReceiveExtend(int size)
    {
        if (size == 0)
        {
            return 0;
        }

        var value = Peek(size);
        Skip(size);
        return value < 1 << (size - 1) ? value - (1 << size) + 1 : value;
    }

    /// <summary>At a restart interval's end: drops the partial byte and steps over the RSTn marker.</summary>
    public void Restart()
    {
        _bits = 0;
        _count = 0;
        if (!AtMarker)
        {
            // Damaged data: look for the marker rather than read garbage as the next interval.
            while (Position + 1 < _data.Length && !(_data[Position] == 0xFF && _data[Position + 1] is not 0x00 and not 0xFF))
            {
                Position++;
            }
        }

        if (Position + 1 < _data.Length && _data[Position] == 0xFF && _data[Position + 1] is >= 0xD0 and <= 0xD7)
        {
            Position += 2;
            AtMarker = false;
        }
        else
        {
            AtMarker = Position + 1 >= _data.Length || _data[Position] == 0xFF;
        }
    }

    // Whether any byte of the word is 0xFF: a zero byte in its complement.
    private static bool HasFF(ulong word)
    {
        var inverted = ~word;
        return ((inverted - 0x0101010101010101UL) & ~inverted & 0x8080808080808080UL) != 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Fill()
    {
        // Whole bytes at a time while none of them is 0xFF (stuffing or a marker): the common case.
        if (!AtMarker && Position + 8 <= _data.Length)
        {
            var next = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(_data[Position..]);
            if (!HasFF(next))
            {
                var take = (64 - _count) >> 3;
                var kept = take == 8 ? next : next & ~(ulong.MaxValue >> (take * 8));
                _bits |= kept >> _count;
                Position += take;
                _count += take * 8;
                return;
            }
        }

        while (_count <= 56)
        {
            ulong next = 0;
            if (!AtMarker && Position < _data.Length)
            {
                var b = _data[Position];
                if (b != 0xFF)
                {
                    next = b;
                    Position++;
                }
                else if (Position + 1 < _data.Length && _data[Position + 1] == 0x00)
                {
                    next = 0xFF;
                    Position += 2;
                }
                else
                {
                    AtMarker = true;
                }
            }

            _bits |= next << (56 - _count);
            _count += 8;
        }
    }
}
