namespace ImageApi.Processing.Tests.Formats;

public class JpegMarkersTests
{
    [Theory]
    [InlineData("jpeg/baseline-420.jpg", 1)]
    [InlineData("jpeg/restart-420.jpg", 1)]
    [InlineData("jpeg/progressive-420.jpg", 10)]
    [InlineData("jpeg/progressive-444.jpg", 10)]
    [InlineData("jpeg/progressive-restart-422.jpg", 10)]
    public void Scans_are_counted_from_the_markers(string name, int scans) =>
        Assert.Equal(scans, JpegMarkers.CountScans(TestImages.Bytes(name), 1000));

    [Fact]
    public void Fill_bytes_and_junk_between_segments_do_not_change_the_count()
    {
        var bytes = TestImages.Bytes("external/derived-testorig-fffill.jpg");
        Assert.Equal(1, JpegMarkers.CountScans(bytes, 1000));
        Assert.Equal(1, JpegMarkers.CountScans(TestImages.Bytes("external/pillow-junk_jpeg_header.jpg"), 1000));
    }

    [Fact]
    public void A_scan_bomb_is_stopped_past_the_limit_without_reading_the_rest()
    {
        var bomb = ScanBomb.Make(200_000);
        Assert.Equal(201, JpegMarkers.CountScans(bomb, 200));
    }
}

/// <summary>A real JPEG with many empty scans inserted before its EOI: the decoder would redo the image for each.</summary>
internal static class ScanBomb
{
    public static byte[] Make(int scans)
    {
        var jpeg = TestImages.Bytes("jpeg/progressive-420.jpg");
        // A minimal SOS for component 1 of a progressive file: Ss=1, Se=1, Ah/Al refinement, no data.
        byte[] sos = [0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x01, 0x01, 0x10];
        using var output = new MemoryStream();
        output.Write(jpeg, 0, jpeg.Length - 2);
        for (var i = 0; i < scans; i++)
        {
            output.Write(sos);
        }

        output.Write([0xFF, 0xD9]);
        return output.ToArray();
    }
}
