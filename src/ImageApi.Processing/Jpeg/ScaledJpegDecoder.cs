using System.Buffers.Binary;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace ImageApi.Processing.Jpeg;

/// <summary>
/// Decodes a JPEG straight to 1/2, 1/4 or 1/8 of its size ("shrink on load", what libjpeg's DCT
/// scaling gives libvips and sharp): each 8×8 block is inverse-transformed from its lowest 4×4, 2×2 or
/// 1×1 coefficients only, so a 5120×2880 photo never exists as 15 megapixels. Subsampled chroma is
/// transformed at twice the scale instead of upsampled. ImageSharp 2.1 cannot do this; it decodes
/// every pixel. Baseline and progressive Huffman-coded 8-bit greyscale and YCbCr files — nearly every
/// photo — are decoded here; for anything else <see cref="TryDecode"/> returns null and ImageSharp
/// decodes the file as before.
/// </summary>
internal static class ScaledJpegDecoder
{
    // Zigzag position → index in the natural (row-major) 8×8 order.
    private static readonly byte[] Natural =
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    ];

    // Progressive files split coefficients over scans; far more than libjpeg's ten is a decompression bomb.
    private const int MaxScans = 256;

    /// <summary>
    /// Decodes <paramref name="jpeg"/> at 1/<paramref name="shrink"/> of its size (rounded up, as libjpeg does).
    /// </summary>
    /// <param name="maxBufferBytes">The largest buffer it may take, as ImageSharp's allocator limit caps its own.</param>
    /// <returns>The pixels, with the file's EXIF profile so auto-orientation still works; null when this decoder leaves the file to ImageSharp.</returns>
    /// <exception cref="JpegFormatException">The file is damaged.</exception>
    /// <exception cref="InvalidMemoryOperationException">A buffer would exceed <paramref name="maxBufferBytes"/>.</exception>
    public static Image<Rgb24>? TryDecode(ReadOnlySpan<byte> jpeg, int shrink, Configuration configuration, long maxBufferBytes, CancellationToken cancellationToken)
    {
        if (shrink is not (2 or 4 or 8) || jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
        {
            return null;
        }

        using var state = new DecoderState(shrink, maxBufferBytes);
        var position = 2;
        while (true)
        {
            position = NextMarker(jpeg, position);
            if (position + 1 >= jpeg.Length)
            {
                break; // truncated after the last scan: decode what arrived, as libjpeg does
            }

            var marker = jpeg[position + 1];
            position += 2;
            if (marker == 0xD9)
            {
                break;
            }

            if (marker is >= 0xD0 and <= 0xD7 or 0x01)
            {
                continue; // stray RSTn or TEM: no length
            }

            if (position + 2 > jpeg.Length)
            {
                throw new JpegFormatException("a segment is cut off");
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(jpeg[position..]);
            if (length < 2 || position + length > jpeg.Length)
            {
                throw new JpegFormatException("a segment's length runs past the end of the file");
            }

            var segment = jpeg.Slice(position + 2, length - 2);
            position += length;
            switch (marker)
            {
                case 0xC0 or 0xC1 or 0xC2:
                    if (!state.ReadFrame(segment, progressive: marker == 0xC2))
                    {
                        return null;
                    }

                    break;
                case >= 0xC3 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC:
                    return null; // lossless, hierarchical or arithmetic-coded
                case 0xC4:
                    state.ReadHuffmanTables(segment);
                    break;
                case 0xDB:
                    state.ReadQuantizationTables(segment);
                    break;
                case 0xDD:
                    state.RestartInterval = segment.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(segment) : throw new JpegFormatException("DRI is too short");
                    break;
                case 0xE1 when state.Exif is null && segment.Length > 6 && segment[..6].SequenceEqual("Exif\0\0"u8):
                    state.Exif = segment[6..].ToArray();
                    break;
                case 0xEE when segment.Length >= 12 && segment[..5].SequenceEqual("Adobe"u8):
                    state.AdobeTransform = segment[11];
                    break;
                case 0xDA:
                    if (state.Components is null)
                    {
                        throw new JpegFormatException("a scan comes before the frame header");
                    }

                    if (++state.Scans > MaxScans)
                    {
                        throw new JpegFormatException($"it has more than {MaxScans} scans");
                    }

                    if (state.Scans == 1 && state.Components.Length == 3 && (state.AdobeTransform == 0 || state.LooksLikeRgb))
                    {
                        return null; // RGB-coded, not YCbCr
                    }

                    position = state.DecodeScan(jpeg, segment, position, cancellationToken);
                    break;
            }
        }

        if (state.Components is null || state.Scans == 0)
        {
            throw new JpegFormatException("it has no image data");
        }

        return state.ToImage(configuration, cancellationToken);
    }

    // From a position in the file to the next marker's 0xFF, skipping entropy-coded bytes and fill.
    private static int NextMarker(ReadOnlySpan<byte> jpeg, int position)
    {
        while (position + 1 < jpeg.Length)
        {
            if (jpeg[position] == 0xFF && jpeg[position + 1] is not 0x00 and not 0xFF and not (>= 0xD0 and <= 0xD7))
            {
                return position;
            }

            position++;
        }

        return jpeg.Length;
    }

    private sealed class Component(int id, int horizontal, int vertical, int quantTable)
    {
        public int Id { get; } = id;
        public int Horizontal { get; } = horizontal;
        public int Vertical { get; } = vertical;
        public int QuantTable { get; } = quantTable;

        /// <summary>Blocks a non-interleaved scan covers (the component's own size, rounded up to blocks).</summary>
        public int BlocksPerLine { get; set; }
        public int BlocksPerColumn { get; set; }

        /// <summary>Blocks stored: whole MCUs of an interleaved scan.</summary>
        public int Stride { get; set; }
        public int Rows { get; set; }

        /// <summary>Output pixels per block: 8 / shrink, doubled for each halving of chroma resolution.</summary>
        public int BlockWidth { get; set; }
        public int BlockHeight { get; set; }

        /// <summary>Zigzag position → slot of a kept coefficient, or -1 for coefficients the scaled IDCT does not use.</summary>
        public sbyte[] Slots { get; } = new sbyte[64];
        public int LastKept { get; set; }
        public int SlotCount => BlockWidth * BlockHeight;

        public short[] Coefficients { get; set; } = [];

        /// <summary>Progressive only: which coefficients (by zigzag position) are non-zero so far, kept or not.</summary>
        public ulong[] NonZero { get; set; } = [];

        public int DcPredictor { get; set; }
        public HuffmanTable? Dc { get; set; }
        public HuffmanTable? Ac { get; set; }
    }

    private sealed class DecoderState(int shrink, long maxBufferBytes) : IDisposable
    {
        // Buffers come from the shared pool (a decode per request would otherwise fault in fresh pages
        // every time) and go back when the decode ends.
        private readonly List<Action> _returns = [];

        private readonly ushort[][] _quant = new ushort[4][];
        private readonly HuffmanTable?[] _dcTables = new HuffmanTable?[4];
        private readonly HuffmanTable?[] _acTables = new HuffmanTable?[4];
        private bool _progressive;
        private int _width;
        private int _height;
        private int _mcusPerLine;
        private int _mcuRows;
        private int _eobRun;

        public Component[]? Components { get; private set; }
        public int RestartInterval { get; set; }
        public byte[]? Exif { get; set; }
        public int AdobeTransform { get; set; } = -1;
        public int Scans { get; set; }
        public bool LooksLikeRgb => Components is [{ Id: 'R' }, { Id: 'G' }, { Id: 'B' }];

        public void Dispose()
        {
            foreach (var giveBack in _returns)
            {
                giveBack();
            }

            _returns.Clear();
        }

        private T[] Rent<T>(long length, bool clear)
        {
            var bytes = length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
            if (bytes > maxBufferBytes)
            {
                throw new InvalidMemoryOperationException($"Decoding needs a buffer of {bytes} bytes; the limit is {maxBufferBytes}.");
            }

            var array = System.Buffers.ArrayPool<T>.Shared.Rent((int)length);
            _returns.Add(() => System.Buffers.ArrayPool<T>.Shared.Return(array));
            if (clear)
            {
                Array.Clear(array, 0, (int)length);
            }

            return array;
        }

        public bool ReadFrame(ReadOnlySpan<byte> segment, bool progressive)
        {
            if (Components is not null)
            {
                throw new JpegFormatException("it has two frame headers");
            }

            if (segment.Length < 6 || segment[0] != 8)
            {
                return false; // 12-bit
            }

            _progressive = progressive;
            _height = BinaryPrimitives.ReadUInt16BigEndian(segment[1..]);
            _width = BinaryPrimitives.ReadUInt16BigEndian(segment[3..]);
            var count = segment[5];
            if (_height == 0 || _width == 0 || count is not (1 or 3) || segment.Length < 6 + (3 * count))
            {
                return false; // height in a DNL marker, CMYK, or malformed: ImageSharp decides
            }

            var components = new Component[count];
            for (var i = 0; i < count; i++)
            {
                var entry = segment.Slice(6 + (3 * i), 3);
                int h = entry[1] >> 4, v = entry[1] & 15;
                if (h is < 1 or > 4 || v is < 1 or > 4 || entry[2] > 3)
                {
                    throw new JpegFormatException("a component's sampling factors or table are invalid");
                }

                components[i] = new Component(entry[0], count == 1 ? 1 : h, count == 1 ? 1 : v, entry[2]);
            }

            var maxH = components.Max(c => c.Horizontal);
            var maxV = components.Max(c => c.Vertical);
            _mcusPerLine = DivideUp(_width, 8 * maxH);
            _mcuRows = DivideUp(_height, 8 * maxV);
            foreach (var c in components)
            {
                // Chroma at half resolution is transformed at twice the scale, so every plane comes out
                // the output's size. Ratios other than 1 or 2, or beyond 8 pixels a block, go to ImageSharp.
                if (maxH % c.Horizontal != 0 || maxV % c.Vertical != 0)
                {
                    return false;
                }

                c.BlockWidth = 8 * (maxH / c.Horizontal) / shrink;
                c.BlockHeight = 8 * (maxV / c.Vertical) / shrink;
                if (c.BlockWidth is not (1 or 2 or 4 or 8) || c.BlockHeight is not (1 or 2 or 4 or 8))
                {
                    return false;
                }

                c.BlocksPerLine = DivideUp(DivideUp(_width * c.Horizontal, maxH), 8);
                c.BlocksPerColumn = DivideUp(DivideUp(_height * c.Vertical, maxV), 8);
                c.Stride = _mcusPerLine * c.Horizontal;
                c.Rows = _mcuRows * c.Vertical;
                c.LastKept = 0;
                for (var k = 0; k < 64; k++)
                {
                    int row = Natural[k] >> 3, column = Natural[k] & 7;
                    var kept = row < c.BlockHeight && column < c.BlockWidth;
                    c.Slots[k] = (sbyte)(kept ? (row * c.BlockWidth) + column : -1);
                    if (kept)
                    {
                        c.LastKept = k;
                    }
                }

                c.Coefficients = Rent<short>((long)c.Stride * c.Rows * c.SlotCount, clear: true);
                if (progressive)
                {
                    c.NonZero = Rent<ulong>((long)c.Stride * c.Rows, clear: true);
                }
            }

            Components = components;
            return true;
        }

        public void ReadQuantizationTables(ReadOnlySpan<byte> segment)
        {
            while (segment.Length > 0)
            {
                int precision = segment[0] >> 4, id = segment[0] & 15;
                var size = precision == 0 ? 64 : 128;
                if (id > 3 || precision > 1 || segment.Length < 1 + size)
                {
                    throw new JpegFormatException("a quantisation table is malformed");
                }

                var table = new ushort[64];
                for (var k = 0; k < 64; k++)
                {
                    table[Natural[k]] = precision == 0 ? segment[1 + k] : BinaryPrimitives.ReadUInt16BigEndian(segment[(1 + (2 * k))..]);
                }

                _quant[id] = table;
                segment = segment[(1 + size)..];
            }
        }

        public void ReadHuffmanTables(ReadOnlySpan<byte> segment)
        {
            while (segment.Length > 0)
            {
                if (segment.Length < 17)
                {
                    throw new JpegFormatException("a Huffman table is cut off");
                }

                int type = segment[0] >> 4, id = segment[0] & 15;
                var counts = segment.Slice(1, 16);
                var total = 0;
                foreach (var count in counts)
                {
                    total += count;
                }

                if (type > 1 || id > 3 || total > 256 || segment.Length < 17 + total)
                {
                    throw new JpegFormatException("a Huffman table is malformed");
                }

                var table = new HuffmanTable(counts, segment.Slice(17, total));
                (type == 0 ? _dcTables : _acTables)[id] = table;
                segment = segment[(17 + total)..];
            }
        }

        /// <summary>Decodes one scan; returns the position after its entropy-coded data.</summary>
        public int DecodeScan(ReadOnlySpan<byte> jpeg, ReadOnlySpan<byte> header, int position, CancellationToken cancellationToken)
        {
            var count = header.Length > 0 ? header[0] : 0;
            if (count is < 1 or > 4 || header.Length < 4 + (2 * count))
            {
                throw new JpegFormatException("a scan header is malformed");
            }

            var scan = new Component[count];
            for (var i = 0; i < count; i++)
            {
                var id = header[1 + (2 * i)];
                var tables = header[2 + (2 * i)];
                var component = Array.Find(Components!, c => c.Id == id) ?? throw new JpegFormatException("a scan names a component the frame lacks");
                component.Dc = _dcTables[tables >> 4 & 3];
                component.Ac = _acTables[tables & 3];
                scan[i] = component;
            }

            var parameters = header[(1 + (2 * count))..];
            int start = parameters[0], end = parameters[1], high = parameters[2] >> 4, low = parameters[2] & 15;
            var kind = Classify(start, end, high, low, count);
            foreach (var c in scan)
            {
                if ((kind is ScanKind.Baseline or ScanKind.DcFirst && c.Dc is null) || (kind is ScanKind.Baseline or ScanKind.AcFirst or ScanKind.AcRefine && c.Ac is null))
                {
                    throw new JpegFormatException("a scan uses a Huffman table that was never defined");
                }

                c.DcPredictor = 0;
            }

            _eobRun = 0;
            var band = Band(start, end);
            var reader = new EntropyReader(jpeg, position);
            var untilRestart = RestartInterval;
            if (count == 1)
            {
                var c = scan[0];
                for (var row = 0; row < c.BlocksPerColumn; row++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    for (var column = 0; column < c.BlocksPerLine; column++)
                    {
                        CountRestart(ref reader, ref untilRestart, scan);
                        var block = (row * c.Stride) + column;
                        if (_eobRun > 0 && kind is ScanKind.AcFirst or ScanKind.AcRefine)
                        {
                            // Inside a run of blocks with nothing more in this band: most blocks of an
                            // AC scan. A first scan skips them outright (the rest of the row at once,
                            // when there are no restart intervals to count); a refinement only has
                            // correction bits to read for the coefficients already non-zero.
                            if (kind == ScanKind.AcFirst && RestartInterval == 0)
                            {
                                var skipped = Math.Min(_eobRun, c.BlocksPerLine - column);
                                _eobRun -= skipped;
                                column += skipped - 1;
                                continue;
                            }

                            if (kind == ScanKind.AcFirst || (c.NonZero[block] & band) == 0)
                            {
                                _eobRun--;
                                continue;
                            }
                        }

                        DecodeBlock(ref reader, kind, c, block, start, end, low, band);
                    }
                }
            }
            else
            {
                for (var mcuRow = 0; mcuRow < _mcuRows; mcuRow++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    for (var mcu = 0; mcu < _mcusPerLine; mcu++)
                    {
                        CountRestart(ref reader, ref untilRestart, scan);
                        foreach (var c in scan)
                        {
                            for (var v = 0; v < c.Vertical; v++)
                            {
                                var first = (((mcuRow * c.Vertical) + v) * c.Stride) + (mcu * c.Horizontal);
                                for (var h = 0; h < c.Horizontal; h++)
                                {
                                    DecodeBlock(ref reader, kind, c, first + h, start, end, low, band);
                                }
                            }
                        }
                    }
                }
            }

            return reader.Position;
        }

        private void CountRestart(ref EntropyReader reader, ref int untilRestart, Component[] scan)
        {
            if (RestartInterval == 0)
            {
                return;
            }

            if (untilRestart == 0)
            {
                reader.Restart();
                foreach (var c in scan)
                {
                    c.DcPredictor = 0;
                }

                _eobRun = 0;
                untilRestart = RestartInterval;
            }

            untilRestart--;
        }

        private ScanKind Classify(int start, int end, int high, int low, int count)
        {
            if (!_progressive)
            {
                return start == 0 && end == 63 && high == 0 && low == 0 ? ScanKind.Baseline : throw new JpegFormatException("a baseline scan has progressive parameters");
            }

            if (end > 63 || start > end || low > 13 || (start == 0 && end != 0) || (start > 0 && count != 1))
            {
                throw new JpegFormatException("a progressive scan's parameters are invalid");
            }

            return (start == 0, high == 0) switch
            {
                (true, true) => ScanKind.DcFirst,
                (true, false) => ScanKind.DcRefine,
                (false, true) => ScanKind.AcFirst,
                _ => ScanKind.AcRefine,
            };
        }

        private void DecodeBlock(ref EntropyReader reader, ScanKind kind, Component c, int block, int start, int end, int low, ulong band)
        {
            var coefficients = c.Coefficients.AsSpan(block * c.SlotCount, c.SlotCount);
            switch (kind)
            {
                case ScanKind.Baseline:
                    DecodeBaseline(ref reader, c, coefficients);
                    break;
                case ScanKind.DcFirst:
                    c.DcPredictor += DecodeDcDifference(ref reader, c.Dc!);
                    coefficients[0] = (short)(c.DcPredictor << low);
                    break;
                case ScanKind.DcRefine:
                    if (reader.ReadBit() != 0)
                    {
                        coefficients[0] |= (short)(1 << low);
                    }

                    break;
                case ScanKind.AcFirst:
                    DecodeAcFirst(ref reader, c, coefficients, ref c.NonZero[block], start, end, low);
                    break;
                default:
                    DecodeAcRefine(ref reader, c, coefficients, ref c.NonZero[block], start, end, low, band);
                    break;
            }
        }

        private static int DecodeDcDifference(ref EntropyReader reader, HuffmanTable table)
        {
            var size = table.Decode(ref reader);
            return size <= 11 ? reader.ReceiveExtend(size) : throw new JpegFormatException("a DC difference is out of range");
        }

        private static void DecodeBaseline(ref EntropyReader reader, Component c, Span<short> coefficients)
        {
            c.DcPredictor += DecodeDcDifference(ref reader, c.Dc!);
            coefficients[0] = (short)c.DcPredictor;
            var ac = c.Ac!;
            var slots = c.Slots;
            var lastKept = c.LastKept;
            var bits = reader.Buffer;
            for (var k = 1; k < 64; k++)
            {
                var run = DecodeAc(ref bits, ref reader, ac, out var value);
                if (run < 0)
                {
                    break;
                }

                k += run;
                if (k <= lastKept && slots[k] >= 0)
                {
                    coefficients[slots[k]] = (short)value;
                }
            }

            reader.Buffer = bits;
        }

        private void DecodeAcFirst(ref EntropyReader reader, Component c, Span<short> coefficients, ref ulong nonZero, int start, int end, int low)
        {
            if (_eobRun > 0)
            {
                _eobRun--;
                return;
            }

            var ac = c.Ac!;
            var bits = reader.Buffer;
            for (var k = start; k <= end; k++)
            {
                var run = DecodeAc(ref bits, ref reader, ac, out var value);
                if (run < 0)
                {
                    reader.Buffer = bits;
                    _eobRun = (1 << (-1 - run)) - 1 + reader.ReadBits(-1 - run);
                    return;
                }

                k += run;
                if (value == 0)
                {
                    continue; // ZRL
                }

                if (k > 63)
                {
                    throw new JpegFormatException("a block has more than 64 coefficients");
                }

                nonZero |= 1UL << k;
                if (c.Slots[k] >= 0)
                {
                    coefficients[c.Slots[k]] = (short)(value * (1 << low));
                }
            }

            reader.Buffer = bits;
        }

        /// <summary>
        /// Decodes one AC symbol and its value bits. Returns the run of zeros before the coefficient
        /// (<paramref name="value"/> non-zero); 15 with a value of 0 for ZRL (sixteen zeros, counting
        /// the position it lands on); or −1 − r for an end of band, whose r EOB-run bits are not read.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private static int DecodeAc(ref BitBuffer bits, ref EntropyReader reader, HuffmanTable ac, out int value)
        {
            if (bits.Count < 32)
            {
                bits = reader.Refill(bits);
            }

            var entry = ac.FastAc[bits.Peek(HuffmanTable.LookaheadBits)];
            if (entry != 0)
            {
                bits.Skip(entry & 31);
                value = entry >> 9;
                return (entry >> 5) & 15;
            }

            reader.Buffer = bits;
            var symbol = ac.Decode(ref reader);
            bits = reader.Buffer;
            int run = symbol >> 4, size = symbol & 15;
            if (size == 0)
            {
                value = 0;
                return run == 15 ? 15 : -1 - run;
            }

            value = bits.ReceiveExtend(size);
            return run;
        }

        // T.81 G.1.2.3: refines the coefficients already non-zero by one bit and adds new ones of ±1.
        // Runs of zeros are found in the non-zero mask rather than walked one coefficient at a time.
        // `band` is Band(start, end), worked out once per scan.
        private void DecodeAcRefine(ref EntropyReader reader, Component c, Span<short> coefficients, ref ulong nonZero, int start, int end, int low, ulong band)
        {
            var plus = 1 << low;
            var k = start;
            var bits = reader.Buffer;
            if (_eobRun == 0)
            {
                var ac = c.Ac!;
                var fast = ac.FastAc;
                while (k <= end)
                {
                    if (bits.Count < 32)
                    {
                        bits = reader.Refill(bits);
                    }

                    // A new coefficient is always ±1 here: its symbol and sign bit decode together.
                    var entry = fast[bits.Peek(HuffmanTable.LookaheadBits)];
                    int run, value = 0;
                    if (entry != 0)
                    {
                        bits.Skip(entry & 31);
                        run = (entry >> 5) & 15;
                        value = (entry >> 9) > 0 ? plus : -plus;
                    }
                    else
                    {
                        reader.Buffer = bits;
                        var symbol = ac.Decode(ref reader);
                        run = symbol >> 4;
                        if ((symbol & 15) != 0)
                        {
                            value = reader.ReadBit() != 0 ? plus : -plus;
                        }
                        else if (run != 15)
                        {
                            _eobRun = (1 << run) + reader.ReadBits(run);
                            bits = reader.Buffer;
                            break;
                        }

                        bits = reader.Buffer;
                    }

                    // The new coefficient (or the end of a run of 16, for ZRL) lands on the zero
                    // coefficient after `run` others; the non-zero ones passed get a correction bit each.
                    var ahead = band & ~((1UL << k) - 1);
                    var zeros = ahead & ~nonZero;
                    var target = run == 0 ? (zeros == 0 ? 64 : System.Numerics.BitOperations.TrailingZeroCount(zeros)) : NthSetBit(zeros, run);
                    var passed = nonZero & ahead & (target == 64 ? ulong.MaxValue : (1UL << target) - 1);
                    if (passed != 0)
                    {
                        bits = Refine(bits, ref reader, c, coefficients, passed, plus);
                    }

                    if (target == 64)
                    {
                        k = end + 1;
                        break;
                    }

                    if (value != 0)
                    {
                        nonZero |= 1UL << target;
                        if (c.Slots[target] >= 0)
                        {
                            coefficients[c.Slots[target]] = (short)value;
                        }
                    }

                    k = target + 1;
                }
            }

            if (_eobRun > 0)
            {
                // The rest of the band holds no new coefficients: only correction bits for non-zero ones.
                bits = Refine(bits, ref reader, c, coefficients, nonZero & Band(k, end), plus);
                _eobRun--;
            }

            reader.Buffer = bits;
        }

        // One correction bit for each coefficient in `pending`, in zigzag order. Only the kept ones are
        // looked at; the bits of the rest are skipped together.
        private static BitBuffer Refine(BitBuffer bits, ref EntropyReader reader, Component c, Span<short> coefficients, ulong pending, int plus)
        {
            var head = c.LastKept == 63 ? pending : pending & ((2UL << c.LastKept) - 1);
            var rest = System.Numerics.BitOperations.PopCount(pending ^ head);
            while (head != 0)
            {
                // Up to 32 correction bits at once, the first in the top bit.
                var count = Math.Min(System.Numerics.BitOperations.PopCount(head), 32);
                if (bits.Count < count)
                {
                    bits = reader.Refill(bits);
                }

                var corrections = (uint)bits.Peek(count) << (32 - count);
                bits.Skip(count);
                for (var i = 0; i < count; i++, corrections <<= 1)
                {
                    var k = System.Numerics.BitOperations.TrailingZeroCount(head);
                    head &= head - 1;
                    if ((int)corrections < 0 && c.Slots[k] >= 0)
                    {
                        ref var coefficient = ref coefficients[c.Slots[k]];
                        if ((coefficient & plus) == 0)
                        {
                            coefficient += (short)(coefficient >= 0 ? plus : -plus);
                        }
                    }
                }
            }

            while (rest > 0)
            {
                var step = Math.Min(rest, 32);
                if (bits.Count < step)
                {
                    bits = reader.Refill(bits);
                }

                bits.Skip(step);
                rest -= step;
            }

            return bits;
        }

        // Zigzag positions first..last as a mask; empty when last < first.
        private static ulong Band(int first, int last) =>
            first > last ? 0 : (last == 63 ? ulong.MaxValue : (2UL << last) - 1) & ~((1UL << first) - 1);

        // The position of set bit number n (from 0, lowest first), or 64 when there are not that many.
        private static int NthSetBit(ulong bits, int n)
        {
            if (System.Numerics.BitOperations.PopCount(bits) <= n)
            {
                return 64;
            }

            if (System.Runtime.Intrinsics.X86.Bmi2.X64.IsSupported)
            {
                return System.Numerics.BitOperations.TrailingZeroCount(System.Runtime.Intrinsics.X86.Bmi2.X64.ParallelBitDeposit(1UL << n, bits));
            }

            for (var i = 0; i < n; i++)
            {
                bits &= bits - 1;
            }

            return System.Numerics.BitOperations.TrailingZeroCount(bits);
        }

        // Parsed here, not on first use, so a damaged profile cannot fail a later step; without one the
        // image is taken as it is stored, as ImageSharp's decoder does.
        private ExifProfile? ReadExif()
        {
            if (Exif is null)
            {
                return null;
            }

            try
            {
                var profile = new ExifProfile(Exif);
                _ = profile.Values;
                return profile;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return null;
            }
        }

        public Image<Rgb24> ToImage(Configuration configuration, CancellationToken cancellationToken)
        {
            var components = Components!;
            var width = DivideUp(_width, shrink);
            var height = DivideUp(_height, shrink);
            var planes = new byte[components.Length][];
            var planeStride = 0;
            foreach (var (c, index) in components.Select((c, i) => (c, i)))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var table = _quant[c.QuantTable] ?? throw new JpegFormatException("a component uses a quantisation table that was never defined");
                var quant = new float[c.SlotCount];
                for (var k = 0; k < 64; k++)
                {
                    if (c.Slots[k] >= 0)
                    {
                        quant[c.Slots[k]] = table[Natural[k]];
                    }
                }

                var idct = new ScaledIdct(c.BlockWidth, c.BlockHeight, quant);
                planeStride = c.Stride * c.BlockWidth;
                var plane = Rent<byte>((long)planeStride * c.Rows * c.BlockHeight, clear: false);
                idct.TransformPlane(c.Coefficients, c.Stride, c.Rows, plane, planeStride);
                planes[index] = plane;
            }

            var image = new Image<Rgb24>(configuration, width, height);
            try
            {
                image.ProcessPixelRows(rows =>
                {
                    for (var y = 0; y < height; y++)
                    {
                        var offset = y * planeStride;
                        var pixels = rows.GetRowSpan(y);
                        if (planes.Length == 1)
                        {
                            var luma = planes[0].AsSpan(offset, width);
                            for (var x = 0; x < width; x++)
                            {
                                pixels[x] = new Rgb24(luma[x], luma[x], luma[x]);
                            }
                        }
                        else
                        {
                            YCbCr.ToRgb(planes[0].AsSpan(offset, width), planes[1].AsSpan(offset, width), planes[2].AsSpan(offset, width), pixels);
                        }
                    }
                });

                image.Metadata.ExifProfile = ReadExif();

                return image;
            }
            catch
            {
                image.Dispose();
                throw;
            }
        }
    }

    private enum ScanKind
    {
        Baseline,
        DcFirst,
        DcRefine,
        AcFirst,
        AcRefine,
    }

    private static int DivideUp(int value, int divisor) => (value + divisor - 1) / divisor;
}
