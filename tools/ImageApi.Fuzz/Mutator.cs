using System.Buffers.Binary;

namespace ImageApi.Fuzz;

/// <summary>
/// Damages an image: blind mutations (bit flips, truncation, chunk duplication, splices…) and
/// mutations aimed at what the service reads from the header before decoding (sizes set huge, frames
/// multiplied, scans inflated, header fields edited with the PNG CRC kept valid so the parser gets past
/// it). Deterministic for a given <see cref="Random"/>.
/// </summary>
internal static class Mutator
{
    /// <summary>Largest input a multiplying mutation may make (the service refuses above 50 MB anyway).</summary>
    private const int MaxBytes = 12 * 1024 * 1024;

    private static readonly byte[] Interesting = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE];

    // Sizes a header may claim: past every limit, at the edges of the fields, and (the pairs below)
    // under the pixel limit but over the memory limit once bands and 16-bit samples count.
    private static readonly long[] HugeSides = [0, 1, 16383, 16384, 30000, 32767, 32768, 65500, 65535, 100_000, 1_000_000, 16_777_215, int.MaxValue, uint.MaxValue];
    private static readonly (int Width, int Height)[] MemoryPairs = [(7000, 7000), (6000, 6000), (8192, 6000), (50_000, 1000), (1, 50_000_000 - 1), (7071, 7071)];
    private static readonly int[] FrameCounts = [2, 10, 100, 998, 999, 1000, 1001, 3000, 20_000];
    private static readonly int[] ScanCounts = [10, 50, 150, 198, 199, 200, 201, 260, 1000, 5000];

    public static (string Mutation, byte[] Bytes) Mutate(byte[] original, byte[] other, Random random)
    {
        var bytes = (byte[])original.Clone();
        var kind = random.Next(12);
        var format = Sniff(bytes);
        try
        {
            switch (kind)
            {
                case 8:
                    return HugeDimensions(bytes, format, random) ?? Blind(bytes, other, random);
                case 9:
                    return MoreFrames(bytes, format, random) ?? HugeDimensions(bytes, format, random) ?? Blind(bytes, other, random);
                case 10:
                    return MoreScans(bytes, format, random) ?? HugeDimensions(bytes, format, random) ?? Blind(bytes, other, random);
                case 11:
                    return FieldEdit(bytes, format, random) ?? Blind(bytes, other, random);
                default:
                    return Blind(bytes, other, random, kind);
            }
        }
        catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentOutOfRangeException or ArgumentException)
        {
            // A seed whose structure the walker below did not expect: damage it blindly instead.
            return Blind((byte[])original.Clone(), other, random);
        }
    }

    private static (string, byte[]) Blind(byte[] bytes, byte[] other, Random random, int kind = -1)
    {
        switch (kind < 0 ? random.Next(8) : kind)
        {
            case 0:
                var flips = 1 << random.Next(7);
                for (var i = 0; i < flips; i++)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                return ($"{flips} bit flips", bytes);
            case 1:
                var header = Math.Min(bytes.Length, 64 + random.Next(1024));
                for (var i = 0; i < 1 + random.Next(8); i++)
                {
                    bytes[random.Next(header)] = (byte)random.Next(256);
                }

                return ("header bytes", bytes);
            case 2:
                for (var i = 0; i < 1 + random.Next(16); i++)
                {
                    bytes[random.Next(bytes.Length)] = Interesting[random.Next(Interesting.Length)];
                }

                return ("boundary values", bytes);
            case 3:
                return ("truncated", bytes[..random.Next(bytes.Length)]);
            case 4:
                var from = random.Next(bytes.Length);
                var length = random.Next(Math.Min(4096, bytes.Length - from));
                var at = random.Next(bytes.Length);
                return ("chunk duplicated", [.. bytes[..at], .. bytes.AsSpan(from, length), .. bytes[at..]]);
            case 5:
                var cut = random.Next(bytes.Length);
                var span = random.Next(Math.Min(4096, bytes.Length - cut));
                return ("chunk deleted", [.. bytes[..cut], .. bytes[(cut + span)..]]);
            case 6:
                var junk = new byte[1 + random.Next(512)];
                random.NextBytes(junk);
                var where = random.Next(bytes.Length);
                return ("random bytes inserted", [.. bytes[..where], .. junk, .. bytes[where..]]);
            default:
                var split = random.Next(Math.Min(bytes.Length, other.Length));
                return ("spliced with another image", [.. bytes[..split], .. other[split..]]);
        }
    }

    // ---- sizes in the header ----

    private static (string, byte[])? HugeDimensions(byte[] bytes, string? format, Random random)
    {
        (int Width, int Height)? pair = random.Next(3) == 0 ? MemoryPairs[random.Next(MemoryPairs.Length)] : null;
        long Side() => HugeSides[random.Next(HugeSides.Length)];
        var (width, height) = pair is { } p ? ((long)p.Width, (long)p.Height) : (Side(), Side());
        var which = random.Next(3); // 0: width, 1: height, 2: both
        var setWidth = pair is not null || which != 1;
        var setHeight = pair is not null || which != 0;
        switch (format)
        {
            case "png":
                if (setWidth)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(16), (uint)width);
                }

                if (setHeight)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(20), (uint)height);
                }

                if (pair is not null && random.Next(2) == 0)
                {
                    bytes[24] = 16; // 16-bit RGBA: 8 bytes a pixel
                    bytes[25] = 6;
                }

                var fixCrc = random.Next(10) != 0;
                if (fixCrc)
                {
                    FixPngCrc(bytes, 8);
                }

                return ($"PNG IHDR size set huge{(fixCrc ? "" : " (stale CRC)")}", bytes);
            case "jpeg":
                var sof = JpegSegments(bytes).FirstOrDefault(s => IsSof(s.Marker));
                if (sof.Length < 8)
                {
                    return null;
                }

                if (setHeight)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(sof.Offset + 5), (ushort)Math.Min(height, 65535));
                }

                if (setWidth)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(sof.Offset + 7), (ushort)Math.Min(width, 65535));
                }

                return ("JPEG SOF size set huge", bytes);
            case "webp":
                var fields = new List<(int Offset, int Bits, string Name)>();
                foreach (var (fourcc, offset, size) in WebpChunks(bytes))
                {
                    var data = offset + 8;
                    switch (fourcc)
                    {
                        case "VP8X" when size >= 10:
                            fields.Add((data + 4, 24, "VP8X canvas"));
                            break;
                        case "VP8 " when size >= 10:
                            fields.Add((data + 6, 14, "VP8 frame"));
                            break;
                        case "VP8L" when size >= 5:
                            fields.Add((data + 1, 14, "VP8L"));
                            break;
                        case "ANMF" when size >= 16:
                            fields.Add((data + 6, 24, "ANMF frame"));
                            break;
                    }
                }

                if (fields.Count == 0)
                {
                    return null;
                }

                var field = fields[random.Next(fields.Count)];
                WriteWebpSize(bytes, field.Offset, field.Bits, setWidth ? width : null, setHeight ? height : null);
                return ($"WebP {field.Name} size set huge", bytes);
            case "gif":
                // The logical screen, or the first image descriptor.
                var descriptor = random.Next(2) == 0 ? GifLayout(bytes)?.FirstImage : null;
                var at = descriptor is { } d ? d + 5 : 6;
                if (setWidth)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), (ushort)Math.Min(width, 65535));
                }

                if (setHeight)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at + 2), (ushort)Math.Min(height, 65535));
                }

                return ($"GIF {(descriptor is null ? "screen" : "image")} size set huge", bytes);
            default:
                return null;
        }
    }

    private static void WriteWebpSize(byte[] bytes, int offset, int bits, long? width, long? height)
    {
        var max = (1L << bits) - 1;
        if (bits == 24)
        {
            // VP8X / ANMF: two 24-bit little-endian fields, each the size minus one.
            if (width is { } w)
            {
                Write24(bytes, offset, Math.Clamp(w - 1, 0, max));
            }

            if (height is { } h)
            {
                Write24(bytes, offset + 3, Math.Clamp(h - 1, 0, max));
            }
        }
        else if (offset >= 1 && bytes[offset - 1] == 0x2F)
        {
            // VP8L: width-1 and height-1 in 14 bits each, packed little-endian after the signature.
            var packed = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));
            if (width is { } w)
            {
                packed = (packed & ~0x3FFFu) | (uint)Math.Clamp(w - 1, 0, max);
            }

            if (height is { } h)
            {
                packed = (packed & ~(0x3FFFu << 14)) | ((uint)Math.Clamp(h - 1, 0, max) << 14);
            }

            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), packed);
        }
        else
        {
            // VP8 key frame: 14-bit width and height, two scale bits each, after the start code.
            if (width is { } w)
            {
                var old = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset));
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(offset), (ushort)((old & 0xC000) | (int)Math.Clamp(w, 0, max)));
            }

            if (height is { } h)
            {
                var old = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset + 2));
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(offset + 2), (ushort)((old & 0xC000) | (int)Math.Clamp(h, 0, max)));
            }
        }
    }

    // ---- frames ----

    private static (string, byte[])? MoreFrames(byte[] bytes, string? format, Random random)
    {
        var count = FrameCounts[random.Next(FrameCounts.Length)];
        switch (format)
        {
            case "gif":
                if (GifLayout(bytes) is not { } gif)
                {
                    return null;
                }

                var frame = bytes.AsSpan(gif.FrameStart, gif.FrameEnd - gif.FrameStart);
                count = Math.Min(count, Math.Max(1, (MaxBytes - bytes.Length) / Math.Max(1, frame.Length)));
                return ($"GIF first frame repeated ×{count}", Insert(bytes, gif.FrameEnd, frame, count));
            case "webp":
                var anmf = WebpChunks(bytes).FirstOrDefault(c => c.FourCc == "ANMF");
                if (anmf.FourCc is null)
                {
                    return null;
                }

                var chunk = bytes.AsSpan(anmf.Offset, 8 + anmf.Size + (anmf.Size & 1));
                count = Math.Min(count, Math.Max(1, (MaxBytes - bytes.Length) / chunk.Length));
                var result = Insert(bytes, anmf.Offset + chunk.Length, chunk, count);
                if (random.Next(8) != 0)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(4), (uint)(result.Length - 8));
                }

                return ($"WebP ANMF frame repeated ×{count}", result);
            case "png":
                // No frames in a PNG the service reads (APNG is not decoded): repeat a whole chunk instead.
                var chunks = PngChunks(bytes);
                if (chunks.Count == 0)
                {
                    return null;
                }

                var (type, offset, length) = chunks[random.Next(chunks.Count)];
                var whole = bytes.AsSpan(offset, 12 + length);
                var times = Math.Min(1 + random.Next(200), Math.Max(1, (MaxBytes - bytes.Length) / whole.Length));
                return ($"PNG {type} chunk repeated", Insert(bytes, offset + whole.Length, whole, times));
            default:
                return null;
        }
    }

    // ---- JPEG scans ----

    private static (string, byte[])? MoreScans(byte[] bytes, string? format, Random random)
    {
        if (format != "jpeg")
        {
            return null;
        }

        var scans = JpegScans(bytes);
        if (scans.Count == 0)
        {
            return null;
        }

        // The smallest scan (in a progressive file, a refinement of a few bits per block) repeated: the
        // cheapest way to make the decoder take many passes.
        var (start, end) = random.Next(3) == 0 ? scans[random.Next(scans.Count)] : scans.MinBy(s => s.End - s.Start);
        var scan = bytes.AsSpan(start, end - start);
        var count = ScanCounts[random.Next(ScanCounts.Length)];
        count = Math.Min(count, Math.Max(1, (MaxBytes - bytes.Length) / scan.Length));
        return ($"JPEG scan repeated ×{count}", Insert(bytes, end, scan, count));
    }

    // ---- header fields ----

    private static (string, byte[])? FieldEdit(byte[] bytes, string? format, Random random)
    {
        byte Value() => random.Next(2) == 0 ? Interesting[random.Next(Interesting.Length)] : (byte)random.Next(256);
        switch (format)
        {
            case "png":
            {
                var chunks = PngChunks(bytes).Where(c => c.Type != "IDAT" || random.Next(4) == 0).ToList();
                if (chunks.Count == 0)
                {
                    return null;
                }

                var (type, offset, length) = chunks[random.Next(chunks.Count)];
                if (random.Next(6) == 0)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(offset), random.Next(2) == 0 ? 0x7FFFFFFFu : (uint)random.Next(1 << 20));
                    return ($"PNG {type} length edited", bytes);
                }

                if (length == 0)
                {
                    return null;
                }

                for (var i = 0; i < 1 + random.Next(3); i++)
                {
                    bytes[offset + 8 + random.Next(Math.Min(length, 64))] = Value();
                }

                FixPngCrc(bytes, offset);
                return ($"PNG {type} field edited (CRC kept valid)", bytes);
            }

            case "jpeg":
            {
                var segments = JpegSegments(bytes).Where(s => s.Length >= 2).ToList();
                if (segments.Count == 0)
                {
                    return null;
                }

                var segment = segments[random.Next(segments.Count)];
                var name = JpegMarkerName(segment.Marker);
                if (random.Next(6) == 0)
                {
                    ushort[] lengths = [0, 1, 2, 3, 0xFFFF, (ushort)random.Next(65536)];
                    BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(segment.Offset + 2), lengths[random.Next(lengths.Length)]);
                    return ($"JPEG {name} length edited", bytes);
                }

                if (segment.Length <= 2)
                {
                    return null;
                }

                for (var i = 0; i < 1 + random.Next(3); i++)
                {
                    bytes[segment.Offset + 4 + random.Next(Math.Min(segment.Length - 2, 96))] = Value();
                }

                return ($"JPEG {name} field edited", bytes);
            }

            case "webp":
            {
                var chunks = WebpChunks(bytes).Where(c => c.Size > 0).ToList();
                if (chunks.Count == 0)
                {
                    return null;
                }

                var (fourcc, offset, size) = chunks[random.Next(chunks.Count)];
                if (random.Next(5) == 0)
                {
                    var to = random.Next(2) == 0 ? 0xFFFFFFFFu : (uint)random.Next(1 << 20);
                    BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(random.Next(3) == 0 ? 4 : offset + 4), to);
                    return ($"WebP {fourcc.Trim()} size edited", bytes);
                }

                for (var i = 0; i < 1 + random.Next(3); i++)
                {
                    bytes[offset + 8 + random.Next(Math.Min(size, 32))] = Value();
                }

                return ($"WebP {fourcc.Trim()} field edited", bytes);
            }

            case "gif":
            {
                if (GifLayout(bytes) is not { } gif)
                {
                    return null;
                }

                // Packed fields (colour table sizes, interlace), the LZW code size, a sub-block length.
                int[] targets = [10, 11, gif.FirstImage + 9, gif.FirstImage + 10, gif.LzwCodeSize, gif.LzwCodeSize + 1, gif.FrameStart + 3];
                var at = targets[random.Next(targets.Length)];
                bytes[at] = at == gif.LzwCodeSize ? (byte)random.Next(16) : Value();
                return ("GIF field edited", bytes);
            }

            default:
                return null;
        }
    }

    // ---- structure walkers ----

    public static string? Sniff(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? "jpeg"
        : bytes.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G']) ? "png"
        : bytes.StartsWith("GIF8"u8) ? "gif"
        : bytes.Length >= 16 && bytes.StartsWith("RIFF"u8) && bytes[8..].StartsWith("WEBP"u8) ? "webp"
        : null;

    private static bool IsSof(byte marker) => marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;

    private static string JpegMarkerName(byte marker) => marker switch
    {
        _ when IsSof(marker) => $"SOF{marker - 0xC0}",
        0xC4 => "DHT",
        0xCC => "DAC",
        0xDB => "DQT",
        0xDD => "DRI",
        0xDA => "SOS",
        0xE1 => "APP1 (EXIF)",
        0xE2 => "APP2 (ICC)",
        0xEE => "APP14 (Adobe)",
        >= 0xE0 and <= 0xEF => "APPn",
        _ => "segment",
    };

    /// <summary>Marker segments (with a length) up to and including the first SOS.</summary>
    private static List<(byte Marker, int Offset, int Length)> JpegSegments(byte[] bytes)
    {
        var segments = new List<(byte, int, int)>();
        var i = 2;
        while (i + 3 < bytes.Length)
        {
            if (bytes[i] != 0xFF || bytes[i + 1] == 0xFF)
            {
                i++;
                continue;
            }

            var marker = bytes[i + 1];
            if (marker is 0x01 or 0x00 or (>= 0xD0 and <= 0xD9))
            {
                i += 2;
                continue;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(i + 2));
            if (i + 2 + length > bytes.Length)
            {
                break;
            }

            segments.Add((marker, i, length));
            if (marker == 0xDA)
            {
                break;
            }

            i += 2 + length;
        }

        return segments;
    }

    /// <summary>Every scan: from its SOS marker to the marker after its entropy-coded data.</summary>
    private static List<(int Start, int End)> JpegScans(byte[] bytes)
    {
        var scans = new List<(int, int)>();
        var i = 2;
        while (i + 3 < bytes.Length)
        {
            if (bytes[i] != 0xFF || bytes[i + 1] == 0xFF)
            {
                i++;
                continue;
            }

            var marker = bytes[i + 1];
            if (marker == 0xD9)
            {
                break;
            }

            if (marker is 0x01 or 0x00 or (>= 0xD0 and <= 0xD7))
            {
                i += 2;
                continue;
            }

            var start = i;
            i += 2 + BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(i + 2));
            if (marker != 0xDA)
            {
                continue;
            }

            while (i + 1 < bytes.Length && !(bytes[i] == 0xFF && bytes[i + 1] is not 0x00 and not 0xFF and not (>= 0xD0 and <= 0xD7)))
            {
                i++;
            }

            if (i + 1 >= bytes.Length)
            {
                break;
            }

            scans.Add((start, i));
        }

        return scans;
    }

    private static List<(string Type, int Offset, int Length)> PngChunks(byte[] bytes)
    {
        var chunks = new List<(string, int, int)>();
        var i = 8;
        while (i + 12 <= bytes.Length)
        {
            var length = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(i)), int.MaxValue);
            if (length > bytes.Length - i - 12)
            {
                break;
            }

            chunks.Add((System.Text.Encoding.ASCII.GetString(bytes, i + 4, 4), i, length));
            i += 12 + length;
        }

        return chunks;
    }

    private static List<(string FourCc, int Offset, int Size)> WebpChunks(byte[] bytes)
    {
        var chunks = new List<(string, int, int)>();
        var i = 12;
        while (i + 8 <= bytes.Length)
        {
            var size = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i + 4)), int.MaxValue);
            if (size > bytes.Length - i - 8)
            {
                break;
            }

            var fourcc = System.Text.Encoding.ASCII.GetString(bytes, i, 4);
            chunks.Add((fourcc, i, size));
            if (fourcc == "ANMF")
            {
                // Frames nest their image chunks; list those too (their sizes are what a decoder reads).
                var inner = i + 8 + 16;
                while (inner + 8 <= i + 8 + size)
                {
                    var innerSize = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(inner + 4)), int.MaxValue);
                    if (innerSize > i + 8 + size - inner - 8)
                    {
                        break;
                    }

                    chunks.Add((System.Text.Encoding.ASCII.GetString(bytes, inner, 4), inner, innerSize));
                    inner += 8 + innerSize + (innerSize & 1);
                }
            }

            i += 8 + size + (size & 1);
        }

        return chunks;
    }

    private sealed record Gif(int FrameStart, int FrameEnd, int FirstImage, int LzwCodeSize);

    /// <summary>The first frame (its graphic control extension, descriptor and data), or null.</summary>
    private static Gif? GifLayout(byte[] bytes)
    {
        if (bytes.Length < 13)
        {
            return null;
        }

        var i = 13 + ((bytes[10] & 0x80) != 0 ? 3 << ((bytes[10] & 7) + 1) : 0);
        var frameStart = -1;
        while (i < bytes.Length)
        {
            switch (bytes[i])
            {
                case 0x21:
                    var extension = i;
                    var label = bytes[i + 1];
                    i = SkipSubBlocks(bytes, i + 2);
                    if (label == 0xF9)
                    {
                        frameStart = extension;
                    }

                    break;
                case 0x2C:
                    var descriptor = i;
                    var packed = bytes[i + 9];
                    i += 10 + ((packed & 0x80) != 0 ? 3 << ((packed & 7) + 1) : 0);
                    var lzw = i;
                    i = SkipSubBlocks(bytes, i + 1);
                    return i <= bytes.Length ? new Gif(frameStart >= 0 ? frameStart : descriptor, i, descriptor, lzw) : null;
                default:
                    return null;
            }
        }

        return null;
    }

    private static int SkipSubBlocks(byte[] bytes, int i)
    {
        while (i < bytes.Length && bytes[i] != 0)
        {
            i += 1 + bytes[i];
        }

        return i + 1;
    }

    private static byte[] Insert(byte[] bytes, int at, ReadOnlySpan<byte> piece, int count)
    {
        var result = new byte[bytes.Length + (piece.Length * count)];
        bytes.AsSpan(0, at).CopyTo(result);
        for (var k = 0; k < count; k++)
        {
            piece.CopyTo(result.AsSpan(at + (k * piece.Length)));
        }

        bytes.AsSpan(at).CopyTo(result.AsSpan(at + (piece.Length * count)));
        return result;
    }

    private static void Write24(byte[] bytes, int offset, long value)
    {
        bytes[offset] = (byte)value;
        bytes[offset + 1] = (byte)(value >> 8);
        bytes[offset + 2] = (byte)(value >> 16);
    }

    /// <summary>Recomputes the CRC of the PNG chunk at <paramref name="offset"/> (its length field).</summary>
    private static void FixPngCrc(byte[] bytes, int offset)
    {
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(offset));
        var crc = Crc32(bytes.AsSpan(offset + 4, 4 + length));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(offset + 8 + length), crc);
    }

    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++)
        {
            c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }

        return c;
    }).ToArray();

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFFFFFFu;
    }
}
