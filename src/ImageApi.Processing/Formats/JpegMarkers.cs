using System.Buffers.Binary;

namespace ImageApi.Processing.Formats;

/// <summary>
/// Counts a JPEG's scans from its marker structure, before libjpeg sees it: a progressive file with
/// thousands of tiny scans makes the decoder redo the whole image for each (a "scan bomb").
/// </summary>
internal static class JpegMarkers
{
    /// <returns>The number of SOS markers, or <paramref name="stopAt"/> + 1 once there are more.</returns>
    public static int CountScans(ReadOnlySpan<byte> jpeg, int stopAt)
    {
        var scans = 0;
        var i = 2; // after SOI
        while (i + 1 < jpeg.Length)
        {
            if (jpeg[i] != 0xFF)
            {
                // Junk between segments: libjpeg skips it with a warning, and so does the count.
                i++;
                continue;
            }

            var marker = jpeg[i + 1];
            if (marker == 0xFF)
            {
                i++; // fill byte
                continue;
            }

            i += 2;
            if (marker is 0xD9)
            {
                break; // EOI
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                continue; // no length
            }

            if (i + 2 > jpeg.Length)
            {
                break;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(jpeg[i..]);
            i += length;
            if (marker == 0xDA)
            {
                if (++scans > stopAt)
                {
                    return scans;
                }

                i = SkipEntropyCodedData(jpeg, i);
            }
        }

        return scans;
    }

    // Entropy-coded data ends at the first marker that is not a stuffed zero or a restart marker.
    private static int SkipEntropyCodedData(ReadOnlySpan<byte> jpeg, int i)
    {
        while (i < jpeg.Length)
        {
            var next = jpeg[i..].IndexOf((byte)0xFF);
            if (next < 0)
            {
                return jpeg.Length;
            }

            i += next;
            if (i + 1 >= jpeg.Length)
            {
                return jpeg.Length;
            }

            var b = jpeg[i + 1];
            if (b == 0x00 || b is >= 0xD0 and <= 0xD7 || b == 0xFF)
            {
                i += b == 0xFF ? 1 : 2;
                continue;
            }

            return i;
        }

        return i;
    }
}
