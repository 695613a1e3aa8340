namespace ImageApi.Processing.Pipeline;

/// <summary>
/// Counts the frames of a GIF by walking its blocks without decoding any image data, so a GIF that
/// declares thousands of frames is refused before ImageSharp reads them. ImageSharp 2.1's Identify
/// does not report a frame count.
/// </summary>
internal static class GifFrameCounter
{
    /// <returns>The number of image descriptors, stopping early once <paramref name="stopAfter"/> is passed; null if the structure is broken.</returns>
    public static int? Count(ReadOnlySpan<byte> gif, int stopAfter)
    {
        // Header (6) + logical screen descriptor (7).
        if (gif.Length < 13 || gif[0] != 'G' || gif[1] != 'I' || gif[2] != 'F')
        {
            return null;
        }

        var position = 13;
        if ((gif[10] & 0x80) != 0)
        {
            position += 3 * (1 << ((gif[10] & 0x07) + 1));
        }

        var frames = 0;
        while (position < gif.Length)
        {
            switch (gif[position])
            {
                case 0x3B: // trailer
                    return frames;
                case 0x21: // extension: label, then data sub-blocks
                    position = SkipSubBlocks(gif, position + 2);
                    break;
                case 0x2C: // image descriptor (10), optional local colour table, LZW minimum code size, data sub-blocks
                    if (++frames > stopAfter)
                    {
                        return frames;
                    }

                    if (position + 10 > gif.Length)
                    {
                        return null;
                    }

                    var packed = gif[position + 9];
                    position += 10;
                    if ((packed & 0x80) != 0)
                    {
                        position += 3 * (1 << ((packed & 0x07) + 1));
                    }

                    position = SkipSubBlocks(gif, position + 1);
                    break;
                default:
                    return frames > 0 ? frames : null;
            }

            if (position < 0)
            {
                return frames > 0 ? frames : null;
            }
        }

        return frames;
    }

    private static int SkipSubBlocks(ReadOnlySpan<byte> gif, int position)
    {
        while (position >= 0 && position < gif.Length)
        {
            var size = gif[position];
            position += size + 1;
            if (size == 0)
            {
                return position;
            }
        }

        return -1;
    }
}
