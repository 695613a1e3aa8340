using ImageApi.Processing.Transforms;

namespace ImageApi.Processing.Tests.Transforms;

public class FormatSupportTests
{
    // Real browsers' Accept headers for images (the same ones the CloudFront Function's tests use).
    private const string Chrome = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8";
    private const string Firefox = "image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5";
    private const string Safari16 = "image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,video/*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5";
    private const string Safari14 = "image/webp,image/png,image/svg+xml,image/*;q=0.8,video/*;q=0.8,*/*;q=0.5";
    private const string Safari13 = "image/png,image/svg+xml,image/*;q=0.8,video/*;q=0.8,*/*;q=0.5";
    private const string OldIe = "image/png, image/svg+xml, image/jxr, image/*;q=0.8, */*;q=0.5";

    [Theory]
    [InlineData(Chrome, true, true)]
    [InlineData(Firefox, true, true)]
    [InlineData(Safari16, true, true)]
    [InlineData(Safari14, true, false)]
    [InlineData(Safari13, false, false)]
    [InlineData(OldIe, false, false)]
    [InlineData(null, false, false)]
    [InlineData("", false, false)]
    [InlineData("*/*", false, false)]
    [InlineData("image/*", false, false)]
    [InlineData("image/*,*/*;q=0.8", false, false)]
    [InlineData("IMAGE/WEBP", true, false)]
    [InlineData("image/avif", false, true)]
    [InlineData(" \timage/avif\t ; q=1 ", false, true)]
    [InlineData("image/webp;q=0", false, false)]
    [InlineData("image/webp;q=0.000, image/*", false, false)]
    [InlineData("image/webp;q=0.001", true, false)]
    [InlineData("image/webp;Q=0.5", true, false)]
    [InlineData("image/webp;q=1.000", true, false)]
    [InlineData("image/webp;q=1.", true, false)]
    [InlineData("image/webp;q=0.", false, false)]
    [InlineData("image/webp;q=1.5", false, false)]
    [InlineData("image/webp;q=0.0001", false, false)]
    [InlineData("image/webp;q=-1", false, false)]
    [InlineData("image/webp;q=", false, false)]
    [InlineData("image/webp;q=high", false, false)]
    [InlineData("image/webp;level=1", true, false)]
    [InlineData("image/webp, image/webp;q=0", false, false)]
    [InlineData("image/avif;q=0,image/webp", true, false)]
    [InlineData("image/avif,image/webp;q=0", false, true)]
    [InlineData("image/webpx,image/avif2,ximage/webp", false, false)]
    [InlineData("image/web p", false, false)]
    [InlineData(",,;,image/webp,;", true, false)]
    public void Reads_webp_and_avif_from_accept(string? accept, bool webp, bool avif) =>
        Assert.Equal(new FormatSupport(webp, avif), FormatSupport.FromAccept(accept));

    [Fact]
    public void Each_class_has_its_own_header_that_reads_back_as_the_class()
    {
        Assert.Equal(4, FormatSupport.Classes.Distinct().Count());
        Assert.Equal(4, FormatSupport.Classes.Select(c => c.AcceptClass).Distinct().Count());
        Assert.All(FormatSupport.Classes, c => Assert.Equal(c, FormatSupport.FromAccept(c.AcceptClass)));
        Assert.Equal("image/avif,image/webp", FormatSupport.All.AcceptClass);
        Assert.Equal("image/jpeg", FormatSupport.None.AcceptClass);
    }
}
