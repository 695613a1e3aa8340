using System.Runtime.CompilerServices;

namespace ImageApi.Processing.Jpeg;

/// <summary>
/// A canonical JPEG Huffman table (ITU T.81 annex C) with a 9-bit lookahead table: nearly every code
/// in a photo is 9 bits or shorter and decodes with one lookup; longer codes walk <see cref="_maxCode"/>.
/// </summary>
internal sealed class HuffmanTable
{
    public const int LookaheadBits = 9;

    // (code length << 8) | symbol, or 0 when the code is longer than the lookahead.
    private readonly ushort[] _lookahead = new ushort[1 << LookaheadBits];
    private readonly int[] _maxCode = new int[18];
    private readonly int[] _valueOffset = new int[17];
    private readonly byte[] _values;

    /// <summary>
    /// For AC tables: an AC symbol and its value bits decoded together when both fit in the lookahead,
    /// as (value &lt;&lt; 9) | (run &lt;&lt; 5) | bits used; 0 when they do not (or for EOB and ZRL).
    /// </summary>
    public int[] FastAc { get; } = new int[1 << LookaheadBits];

    /// <exception cref="JpegFormatException">The table's code lengths overflow, as in a hostile file.</exception>
    public HuffmanTable(ReadOnlySpan<byte> countsPerLength, ReadOnlySpan<byte> values)
    {
        _values = values.ToArray();
        var code = 0;
        var index = 0;
        for (var length = 1; length <= 16; length++)
        {
            var count = countsPerLength[length - 1];
            _valueOffset[length] = index - code;
            for (var i = 0; i < count; i++, index++, code++)
            {
                if (length <= LookaheadBits)
                {
                    var shift = LookaheadBits - length;
                    var entry = (ushort)((length << 8) | _values[index]);
                    _lookahead.AsSpan(code << shift, 1 << shift).Fill(entry);
                }
            }

            _maxCode[length] = count == 0 ? -1 : code - 1;
            if (code > 1 << length)
            {
                throw new JpegFormatException("a Huffman table has more codes than its lengths allow");
            }

            code <<= 1;
        }

        _maxCode[17] = int.MaxValue;
        for (var bits = 0; bits < _lookahead.Length; bits++)
        {
            var entry = _lookahead[bits];
            int length = entry >> 8, run = (entry & 0xFF) >> 4, size = entry & 15;
            if (entry == 0 || size == 0 || length + size > LookaheadBits)
            {
                continue;
            }

            var value = BitBuffer.Extend((bits >> (LookaheadBits - length - size)) & ((1 << size) - 1), size);
            FastAc[bits] = (value << 9) | (run << 5) | (length + size);
        }
    }

    /// <summary>Decodes one symbol.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Decode(ref EntropyReader reader)
    {
        var entry = _lookahead[reader.Peek(LookaheadBits)];
        if (entry != 0)
        {
            reader.Skip(entry >> 8);
            return entry & 0xFF;
        }

        return DecodeLong(ref reader);
    }

    private int DecodeLong(ref EntropyReader reader)
    {
        for (var length = LookaheadBits + 1; length <= 16; length++)
        {
            var code = reader.Peek(length);
            if (code <= _maxCode[length])
            {
                reader.Skip(length);
                return _values[_valueOffset[length] + code];
            }
        }

        throw new JpegFormatException("the entropy-coded data holds a code no Huffman table defines");
    }
}
