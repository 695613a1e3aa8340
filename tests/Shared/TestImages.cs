using NetVips;

namespace ImageApi.TestSupport;

/// <summary>
/// The committed images in tests/TestImages (its README says where each comes from), and the few
/// hostile files that are easier to make than to commit. Compiled into every test project.
/// </summary>
internal static class TestImages
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "TestImages", name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));

    public static MemoryStream Open(string name) => new(Bytes(name), writable: false);

    /// <summary>
    /// A GIF of <paramref name="frames"/> 2×2 frames, each a different colour from the one before, so
    /// gifsave cannot fold them (it merges identical consecutive frames): the file really has that many.
    /// </summary>
    public static byte[] ManyFrameGif(int frames)
    {
        using var xy = Image.Xyz(2, 2 * frames);
        using var y = xy[1];
        using var index = y / 2;
        using var red = index % 256;
        using var green = (index / 256) * 60;
        using var blue = (index % 7) * 30;
        using var rgb = red.Bandjoin(green, blue).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
        using var paged = rgb.Mutate(m => m.Set(GValue.GIntType, "page-height", 2));
        var gif = paged.GifsaveBuffer();
        using var check = Image.GifloadBuffer(gif);
        Assert.Equal(frames, (int)check.Get("n-pages"));
        return gif;
    }

    /// <summary>A 1×1 BMP whose pixel data offset points 2 GB into a file of 58 bytes.</summary>
    public static byte[] BmpPointingFarAway()
    {
        var bmp = new byte[58];
        "BM"u8.CopyTo(bmp);
        BitConverter.TryWriteBytes(bmp.AsSpan(2), bmp.Length);
        BitConverter.TryWriteBytes(bmp.AsSpan(10), 0x7FFF_FFF0);
        BitConverter.TryWriteBytes(bmp.AsSpan(14), 40);
        BitConverter.TryWriteBytes(bmp.AsSpan(18), 1);
        BitConverter.TryWriteBytes(bmp.AsSpan(22), 1);
        BitConverter.TryWriteBytes(bmp.AsSpan(26), (short)1);
        BitConverter.TryWriteBytes(bmp.AsSpan(28), (short)24);
        return bmp;
    }
}
