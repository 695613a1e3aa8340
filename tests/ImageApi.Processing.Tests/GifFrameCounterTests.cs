using ImageApi.Processing.Limits;
using ImageApi.Processing.Pipeline;
using ImageApi.Processing.Transforms;



namespace ImageApi.Processing.Tests;

public class GifFrameCounterTests
{
    [Fact]
    public void Counts_the_frames_of_real_gifs()
    {
        Assert.Equal(3, GifFrameCounter.Count(TestImages.Bytes("animated.gif"), 1000));
        Assert.Equal(1, GifFrameCounter.Count(TestImages.ManyFrameGif(1), 1000));
        Assert.Equal(250, GifFrameCounter.Count(TestImages.ManyFrameGif(250), 1000));
        Assert.Equal(11, GifFrameCounter.Count(TestImages.ManyFrameGif(250), 10));
    }

    [Fact]
    public void Broken_gifs_do_not_throw()
    {
        var gif = TestImages.Bytes("animated.gif");
        for (var length = 0; length < gif.Length; length += 997)
        {
            _ = GifFrameCounter.Count(gif.AsSpan(0, length), 1000);
        }

        Assert.Null(GifFrameCounter.Count("GIF89a"u8, 10));
        Assert.Null(GifFrameCounter.Count("not a gif at all"u8, 10));
    }

    [Fact]
    public void A_gif_with_thousands_of_frames_is_refused()
    {
        var pipeline = new ImagePipeline(new ProcessingLimits { MaxGifFrames = 1000 }, new RenditionDefaults());
        using var stream = new MemoryStream(TestImages.ManyFrameGif(3000));
        var ex = Assert.Throws<SourceTooManyFramesException>(() => pipeline.Render(stream, new RenditionSpec(10, null, FitMode.Inside, OutputFormat.Webp, 80)));
        Assert.Equal(1000, ex.Limit);
        using var fine = new MemoryStream(TestImages.ManyFrameGif(999));
        Assert.Equal(2, pipeline.Render(fine, new RenditionSpec(10, null, FitMode.Inside, OutputFormat.Webp, 80)).Width);
    }
}
