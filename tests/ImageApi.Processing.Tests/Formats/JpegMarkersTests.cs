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
        var bomb = GeneratedImages.ScanBomb(200_000);
        Assert.Equal(201, JpegMarkers.CountScans(bomb, 200));
    }
}

