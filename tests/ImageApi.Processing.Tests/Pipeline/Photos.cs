using NetVips;

namespace ImageApi.Processing.Tests.Pipeline;

/// <summary>Larger originals made from the committed photos, for tests that need multi-megapixel files.</summary>
internal static class Photos
{
    public static byte[] Scaled(string name, int width, int height, int? orientation = null)
    {
        using var image = Image.JpegloadBuffer(TestImages.Bytes(name));
        using var resized = image.Resize((double)width / image.Width, vscale: (double)height / image.Height);
        using var tagged = orientation is { } value ? resized.Mutate(image => image.Set(GValue.GIntType, "orientation", value)) : resized.Copy();

        return tagged.JpegsaveBuffer(q: 92, keep: orientation is null ? Enums.ForeignKeep.None : Enums.ForeignKeep.Exif);
    }

    /// <summary>A PNG of the given size, bands and depth (16-bit when <paramref name="sixteenBit"/>), filled with a gradient.</summary>
    public static byte[] Png(int width, int height, int bands, bool sixteenBit)
    {
        using var x = Image.Xyz(width, height);
        using var band = x[0].Linear([255.0 / width], [0.0]);
        using var all = band.Bandjoin(Enumerable.Repeat(band, bands - 1).ToArray());
        using var typed = sixteenBit
            ? (all * 257).Cast(Enums.BandFormat.Ushort).Copy(interpretation: bands >= 3 ? Enums.Interpretation.Rgb16 : Enums.Interpretation.Grey16)
            : all.Cast(Enums.BandFormat.Uchar).Copy(interpretation: bands >= 3 ? Enums.Interpretation.Srgb : Enums.Interpretation.Bw);
        return typed.PngsaveBuffer(compression: 1, bitdepth: sixteenBit ? 16 : 8);
    }
}
