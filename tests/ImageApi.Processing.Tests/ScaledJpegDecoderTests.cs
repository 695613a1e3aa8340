using ImageApi.Processing.Jpeg;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace ImageApi.Processing.Tests;

/// <summary>
/// The JPEG shrink-on-load decoder against ImageSharp's full decode, averaged down to the same size
/// (what a DCT-scaled decode approximates), on real photos in every coding it claims; and its refusals.
/// </summary>
public class ScaledJpegDecoderTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const long NoLimit = long.MaxValue;

    public static TheoryData<string, int> Variants()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in new[]
        {
            "baseline-444", "baseline-422", "baseline-420", "baseline-440", "restart-420", "progressive-420",
            "progressive-444", "progressive-restart-422", "greyscale-progressive",
        })
        {
            foreach (var shrink in new[] { 2, 4, 8 })
            {
                data.Add(name, shrink);
            }
        }

        data.Add("baseline-411", 4);
        data.Add("baseline-411", 8);
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Decodes_each_coding_at_each_scale_like_a_full_decode_averaged_down(string name, int shrink)
    {
        var bytes = TestImages.Bytes($"jpeg/{name}.jpg");
        using var scaled = ScaledJpegDecoder.TryDecode(bytes, shrink, Configuration.Default, NoLimit, default);
        Assert.NotNull(scaled);
        Assert.Equal(((501 + shrink - 1) / shrink, (333 + shrink - 1) / shrink), (scaled.Width, scaled.Height));

        // Whole shrink×shrink cells only, so the averages line up with the blocks exactly.
        var (width, height) = (501 / shrink, 333 / shrink);
        using var reference = Image.Load<Rgb24>(bytes);
        reference.Mutate(c => c.Crop(width * shrink, height * shrink).Resize(width, height, KnownResamplers.Box));
        scaled.Mutate(c => c.Crop(width, height));
        var psnr = Psnr(scaled, reference);
        output.WriteLine($"{name} 1/{shrink}: {psnr:0.0} dB against ImageSharp's full decode, box-averaged");
        Assert.True(psnr > 40, $"{psnr:0.0} dB");
    }

    [Fact]
    public void Restart_markers_do_not_change_the_pixels()
    {
        using var plain = ScaledJpegDecoder.TryDecode(TestImages.Bytes("jpeg/baseline-420.jpg"), 2, Configuration.Default, NoLimit, default);
        using var restarted = ScaledJpegDecoder.TryDecode(TestImages.Bytes("jpeg/restart-420.jpg"), 2, Configuration.Default, NoLimit, default);
        Assert.True(Psnr(plain!, restarted!) > 99);
    }

    [Theory]
    [InlineData("jpeg/arithmetic-420.jpg", 2)] // arithmetic coding
    [InlineData("jpeg/baseline-411.jpg", 2)] // chroma at a quarter: a block would be 16 pixels wide
    [InlineData("cmyk.jpg", 2)] // four components
    public void Leaves_codings_it_does_not_handle_to_ImageSharp(string name, int shrink)
    {
        Assert.Null(ScaledJpegDecoder.TryDecode(TestImages.Bytes(name), shrink, Configuration.Default, NoLimit, default));
    }

    [Fact]
    public void Leaves_12_bit_files_to_ImageSharp()
    {
        var bytes = TestImages.Bytes("jpeg/baseline-420.jpg");
        var frame = IndexOfMarker(bytes, 0xC0);
        bytes[frame + 4] = 12;
        Assert.Null(ScaledJpegDecoder.TryDecode(bytes, 2, Configuration.Default, NoLimit, default));
    }

    [Fact]
    public void Keeps_the_exif_profile_so_orientation_still_applies()
    {
        using var image = ScaledJpegDecoder.TryDecode(TestImages.Bytes("exif-rotated.jpg"), 2, Configuration.Default, NoLimit, default);
        Assert.Equal((320, 200), (image!.Width, image.Height));
        Assert.Equal(ExifOrientationMode.RightTop, image.Metadata.ExifProfile?.GetValue(ExifTag.Orientation)?.Value);
    }

    [Theory]
    [InlineData("baseline-420")]
    [InlineData("progressive-420")]
    public void A_file_cut_off_in_its_image_data_decodes_what_arrived(string name)
    {
        // As libjpeg (and ImageSharp) do: the rest of the image is what zero bits decode to.
        var bytes = TestImages.Bytes($"jpeg/{name}.jpg");
        using var image = ScaledJpegDecoder.TryDecode(bytes.AsSpan(0, bytes.Length * 2 / 3), 2, Configuration.Default, NoLimit, default);
        Assert.Equal((251, 167), (image!.Width, image.Height));
    }

    [Fact]
    public void A_file_cut_off_in_its_headers_is_damaged()
    {
        // truncated.jpg ends inside its metadata, before the frame header.
        Assert.Throws<JpegFormatException>(() => ScaledJpegDecoder.TryDecode(TestImages.Bytes("truncated.jpg"), 2, Configuration.Default, NoLimit, default));
    }

    [Fact]
    public void Buffers_over_the_limit_are_refused()
    {
        Assert.Throws<InvalidMemoryOperationException>(() =>
            ScaledJpegDecoder.TryDecode(TestImages.Bytes("jpeg/progressive-444.jpg"), 2, Configuration.Default, 10_000, default));
    }

    [Fact]
    public void A_file_with_hundreds_of_scans_is_refused()
    {
        // The last scan of a progressive file repeated 300 times: each pass would walk every block.
        var bytes = TestImages.Bytes("jpeg/progressive-420.jpg");
        var lastScan = LastIndexOfMarker(bytes, 0xDA);
        var end = LastIndexOfMarker(bytes, 0xD9);
        var scan = bytes[lastScan..end];
        var bomb = bytes[..end].Concat(Enumerable.Repeat(scan, 300).SelectMany(s => s)).Concat(bytes[end..]).ToArray();
        Assert.Throws<JpegFormatException>(() => ScaledJpegDecoder.TryDecode(bomb, 8, Configuration.Default, NoLimit, default));
    }

    [Fact]
    public void Damaged_files_fail_only_with_a_format_error()
    {
        // Deterministic mutations of real files: flipped bytes, cut-off tails, zeroed runs. Anything but
        // a JpegFormatException (or a result) is a decoder bug; the pipeline would fall back to ImageSharp.
        var random = new Random(20261127);
        var names = new[] { "baseline-420", "baseline-422", "progressive-420", "progressive-restart-422", "greyscale-progressive" };
        int decoded = 0, refused = 0;
        for (var i = 0; i < 600; i++)
        {
            var bytes = TestImages.Bytes($"jpeg/{names[i % names.Length]}.jpg");
            switch (random.Next(3))
            {
                case 0:
                    for (var n = random.Next(1, 20); n > 0; n--)
                    {
                        bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                    }

                    break;
                case 1:
                    bytes = bytes[..random.Next(bytes.Length)];
                    break;
                default:
                    var at = random.Next(bytes.Length);
                    bytes.AsSpan(at, Math.Min(bytes.Length - at, random.Next(1, 400))).Clear();
                    break;
            }

            try
            {
                using var image = ScaledJpegDecoder.TryDecode(bytes, 1 << random.Next(1, 4), Configuration.Default, 64 << 20, default);
                decoded++;
            }
            catch (JpegFormatException)
            {
                refused++;
            }
        }

        output.WriteLine($"{decoded} decoded (or handed to ImageSharp), {refused} refused as damaged");
        Assert.True(refused > 0);
    }

    private static double Psnr(Image<Rgb24> a, Image<Rgb24> b)
    {
        double squares = 0;
        for (var y = 0; y < a.Height; y++)
        {
            for (var x = 0; x < a.Width; x++)
            {
                var (p, q) = (a[x, y], b[x, y]);
                squares += ((p.R - q.R) * (p.R - q.R)) + ((p.G - q.G) * (p.G - q.G)) + ((p.B - q.B) * (p.B - q.B));
            }
        }

        var mse = squares / (3.0 * a.Width * a.Height);
        return mse == 0 ? 100 : 10 * Math.Log10(255 * 255 / mse);
    }

    private static int IndexOfMarker(byte[] bytes, byte marker)
    {
        for (var i = 0; i + 1 < bytes.Length; i++)
        {
            if (bytes[i] == 0xFF && bytes[i + 1] == marker)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"no FF{marker:X2} marker");
    }

    private static int LastIndexOfMarker(byte[] bytes, byte marker)
    {
        for (var i = bytes.Length - 2; i >= 0; i--)
        {
            if (bytes[i] == 0xFF && bytes[i + 1] == marker)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"no FF{marker:X2} marker");
    }
}
