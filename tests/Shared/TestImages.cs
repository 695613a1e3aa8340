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

    /// <summary>A GIF with <paramref name="frames"/> tiny frames of different colours.</summary>
    public static byte[] ManyFrameGif(int frames)
    {
        using var strip = Image.Black(2, 2 * frames, bands: 3).Copy(interpretation: Enums.Interpretation.Srgb);
        using var coloured = strip.Linear([1.0, 1.0, 1.0], [255.0, 0.0, 128.0]).Cast(Enums.BandFormat.Uchar);
        using var paged = coloured.Mutate(m => m.Set(GValue.GIntType, "page-height", 2));
        return paged.GifsaveBuffer();
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
