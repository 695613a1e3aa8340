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

    /// <summary>
    /// The bit buffer, for a hot loop to keep in a local (where it lives in registers; fields of a
    /// struct reached through a reference are loaded and stored at every step) and hand back before
    /// anything else reads.
    /// </summary>
    public BitBuffer Buffer
    {
        readonly get => new() { Bits = _bits, Count = _count };
        set
        {
            _bits = value.Bits;
            _count = value.Count;
        }
    }

    /// <summary>Tops <paramref name="buffer"/> up to at least 57 bits.</summary>
    public BitBuffer Refill(BitBuffer buffer)
    {
        Buffer = buffer;
        Fill();
        return Buffer;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Peek(int count)
    {
        if (_count < count)
        {
            Fill();
        }

        return (int)(_bits >> (64 - count));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Skip(int count)
    {
        _bits <<= count;
        _count -= count;
    }

    public int ReadBit() => ReadBits(1);

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

    /// <summary>Reads <paramref name="size"/> bits as a signed coefficient (T.81 F.2.2.1, EXTEND).</summary>
    public int ReceiveExtend(int size) => BitBuffer.Extend(ReadBits(size), size);

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

/// <summary>Up to 64 buffered bits, the next one in the top bit. Passed by value so it stays in registers.</summary>
internal struct BitBuffer
{
    public ulong Bits;
    public int Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly int Peek(int count) => (int)(Bits >> (64 - count));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Skip(int count)
    {
        Bits <<= count;
        Count -= count;
    }

    /// <summary>Reads <paramref name="size"/> (1–16) bits as a signed coefficient.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReceiveExtend(int size)
    {
        var value = Peek(size);
        Skip(size);
        return Extend(value, size);
    }

    /// <summary>T.81 F.2.2.1, EXTEND: the <paramref name="size"/>-bit code of a signed value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Extend(int value, int size) =>
        size == 0 ? 0 : value < 1 << (size - 1) ? value - (1 << size) + 1 : value;
}
