using ImageApi.Processing.Pipeline;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace ImageApi.Processing.Tests;

public class BoxShrinkTests
{
    [Theory]
    [InlineData(800, 800)]
    [InlineData(801, 533)] // odd sides: the last column and row pair with themselves
    [InlineData(9, 3)] // narrower than one vector step
    public void Halving_averages_each_two_by_two_cell(int width, int height)
    {
        using var photo = Image.Load<Rgba32>(TestImages.Bytes("wood.webp"));
        photo.Mutate(c => c.Resize(width, height));

        using var halved = BoxShrink.Halve(photo, Configuration.Default);

        Assert.Equal(((width + 1) / 2, (height + 1) / 2), (halved.Width, halved.Height));
        for (var y = 0; y < halved.Height; y++)
        {
            for (var x = 0; x < halved.Width; x++)
            {
                var cell = new[]
                {
                    photo[2 * x, 2 * y], photo[Math.Min((2 * x) + 1, width - 1), 2 * y],
                    photo[2 * x, Math.Min((2 * y) + 1, height - 1)], photo[Math.Min((2 * x) + 1, width - 1), Math.Min((2 * y) + 1, height - 1)],
                };
                var actual = halved[x, y];
                // Two byte-wise averages, one rounded up and one down: within one level of the exact mean.
                Assert.InRange(actual.R, (int)cell.Average(p => p.R) - 1, (int)cell.Average(p => p.R) + 1);
                Assert.InRange(actual.G, (int)cell.Average(p => p.G) - 1, (int)cell.Average(p => p.G) + 1);
                Assert.InRange(actual.B, (int)cell.Average(p => p.B) - 1, (int)cell.Average(p => p.B) + 1);
                Assert.Equal(255, actual.A);
            }
        }
    }
}
