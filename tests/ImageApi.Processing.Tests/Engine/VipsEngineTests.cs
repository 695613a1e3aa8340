using ImageApi.Processing.Engine;
using NetVips;

namespace ImageApi.Processing.Tests.Engine;

public class VipsEngineTests
{
    public VipsEngineTests() => VipsEngine.Initialize(1);

    [Theory]
    [InlineData("photo.tiff")]
    [InlineData("photo.bmp")]
    [InlineData("vector.svg")]
    public void No_loader_but_the_four_can_run_even_if_called_directly(string name)
    {
        // The service never calls these; this is the second wall behind its own sniffing.
        var bytes = TestImages.Bytes(name);
        Assert.Throws<VipsException>(() => Image.NewFromBuffer(bytes).Avg());
    }

    [Fact]
    public void The_vips_format_loader_is_blocked()
    {
        using var image = Image.Black(4, 4);
        var file = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".v");
        try
        {
            // Saving .v is not blocked; loading it (an mmap of raw pixels and a header) is.
            image.WriteToFile(file);
            Assert.Throws<VipsException>(() => Image.NewFromFile(file).Avg());
        }
        catch (VipsException)
        {
            // Writing may be refused as untrusted too; then there is nothing a client could make it load.
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("photo-cups.jpg")]
    [InlineData("alpha.png")]
    [InlineData("wood.webp")]
    [InlineData("animated.gif")]
    public void The_four_loaders_run(string name)
    {
        using var image = Image.NewFromBuffer(TestImages.Bytes(name));
        Assert.True(image.Avg() > 0);
    }

    [Fact]
    public void The_operation_cache_is_off() => Assert.Equal(0, Cache.Max);
}
