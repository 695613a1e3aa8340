using System.Buffers.Binary;
using NetVips;

namespace ImageApi.TestSupport;

/// <summary>
/// Originals the tests make at run time rather than commit: large photos, deep PNGs, JPEG scan bombs
/// and files in formats the service refuses. Each is described by what a test needs it to be.
/// </summary>
internal static class GeneratedImages
{
    /// <summary>
    /// A real photo (photo-cups.jpg, 1280×800) enlarged to <paramref name="width"/>×<paramref name="height"/>
    /// and saved as a baseline JPEG: an original larger than the intermediate, with real detail.
    /// </summary>
    public static byte[] LargePhoto(int width = 2560, int height = 1600, int quality = 92)
    {
        using var photo = Image.JpegloadBuffer(TestImages.Bytes("photo-cups.jpg"), access: Enums.Access.Random);
        using var large = photo.Resize((double)width / photo.Width, vscale: (double)height / photo.Height);
        Assert.Equal((width, height), (large.Width, large.Height));
        return large.JpegsaveBuffer(q: quality, keep: Enums.ForeignKeep.None);
    }

    /// <summary>
    /// <see cref="LargePhoto"/> as an 8-bit RGBA PNG, transparent outside a centred ellipse (the corners
    /// are fully transparent, the centre opaque).
    /// </summary>
    public static byte[] LargeTransparentPhoto(int width = 2560, int height = 1600)
    {
        using var photo = Image.JpegloadBuffer(LargePhoto(width, height, 95), access: Enums.Access.Random);
        using var xy = Image.Xyz(width, height);
        using var dx = xy[0].Linear([2.0 / width], [-1.0]);
        using var dy = xy[1].Linear([2.0 / height], [-1.0]);
        using var r2 = (dx * dx) + (dy * dy);
        using var alpha = (r2 < 1.0).Ifthenelse(255.0, 0.0).Cast(Enums.BandFormat.Uchar);
        using var rgba = photo.Bandjoin(alpha);
        return rgba.PngsaveBuffer(compression: 1, keep: Enums.ForeignKeep.None);
    }

    /// <summary>
    /// A 16-bit RGBA PNG with a gradient and a semi-transparent band: width × height × 8 bytes when
    /// decoded (2000×1200 is 18.3 MB), however small the file.
    /// </summary>
    public static byte[] DeepRgbaPng(int width, int height, int seed = 0)
    {
        using var xy = Image.Xyz(width, height);
        using var x = xy[0];
        using var y = xy[1];
        using var red = x.Linear([65535.0 / width], [seed * 1000.0]);
        using var green = y.Linear([65535.0 / height], [0]);
        using var blue = (x + y).Linear([65535.0 / (width + height)], [0]);
        // Alpha: opaque except for a band across the middle, so the alpha is real.
        using var band = y.Linear([1], [-height / 2.0]).Abs();
        using var alpha = (band > height / 8.0).Ifthenelse(65535.0, 20000.0);
        using var rgba = red.Bandjoin(green, blue, alpha);
        using var deep = rgba.Cast(Enums.BandFormat.Ushort).Copy(interpretation: Enums.Interpretation.Rgb16);
        return deep.PngsaveBuffer(bitdepth: 16, compression: 1, keep: Enums.ForeignKeep.None);
    }

    /// <summary>
    /// A progressive JPEG with <paramref name="extraScans"/> more scans before its EOI: each a minimal
    /// DC refinement scan header (FF DA, length 8, one component, Ss=Se=0, Ah=1, Al=0) with no entropy
    /// data. libjpeg redoes the whole image for every scan; the service counts SOS markers first.
    /// </summary>
    public static byte[] ScanBomb(int extraScans, string progressive = "jpeg/progressive-420.jpg")
    {
        var jpeg = TestImages.Bytes(progressive);
        Assert.True(jpeg is [.., 0xFF, 0xD9], $"{progressive} must end with EOI");
        ReadOnlySpan<byte> scan = [0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x00, 0x10];
        var bomb = new byte[jpeg.Length + (extraScans * scan.Length)];
        jpeg.AsSpan(0, jpeg.Length - 2).CopyTo(bomb);
        for (var i = 0; i < extraScans; i++)
        {
            scan.CopyTo(bomb.AsSpan(jpeg.Length - 2 + (i * scan.Length)));
        }

        bomb[^2] = 0xFF;
        bomb[^1] = 0xD9;
        return bomb;
    }

    /// <summary>A tiny HEIF file header: an ISO-BMFF <c>ftyp</c> box with the given major brand (heic, avif…) and nothing after it.</summary>
    public static byte[] HeifHeader(string brand = "heic")
    {
        var box = new byte[24];
        BinaryPrimitives.WriteInt32BigEndian(box, box.Length);
        "ftyp"u8.CopyTo(box.AsSpan(4));
        System.Text.Encoding.ASCII.GetBytes(brand).CopyTo(box.AsSpan(8));
        "mif1"u8.CopyTo(box.AsSpan(16));
        System.Text.Encoding.ASCII.GetBytes(brand).CopyTo(box.AsSpan(20));
        return box;
    }

    /// <summary>A minimal one-page PDF.</summary>
    public static byte[] Pdf() => System.Text.Encoding.ASCII.GetBytes(
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
        "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 64 40]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");

    /// <summary>A real libvips native-format (.v) image, written by libvips' own vipssave: it starts B6 A6 F2 08 on little-endian machines (08 F2 A6 B6 on big-endian ones).</summary>
    public static byte[] VipsNative()
    {
        var path = Path.Combine(Path.GetTempPath(), "imageapi-test-" + Guid.NewGuid().ToString("N") + ".v");
        try
        {
            using (var image = Image.Black(16, 8, bands: 3))
            {
                image.Vipssave(path);
            }

            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
