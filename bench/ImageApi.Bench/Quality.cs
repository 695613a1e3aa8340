using System.Text.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

/// <summary>
/// SSIM of every saved output against the source: the original, oriented, resized with Lanczos3 to the
/// output's size (cover: to fill, then the centre), compared on luma. Engines crop cover by their own
/// rounding, so each comparison takes the best of the alignments within one pixel.
/// </summary>
internal static class Quality
{
    public static void Report(string corpus, string root)
    {
        var results = new List<object>();
        foreach (var scenarioDirectory in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            var scenario = Path.GetFileName(scenarioDirectory);
            foreach (var engineDirectory in Directory.GetDirectories(scenarioDirectory).Order(StringComparer.Ordinal))
            {
                var scores = new List<double>();
                foreach (var output in Directory.GetFiles(engineDirectory))
                {
                    using var rendered = Image.Load<Rgba32>(output);
                    rendered.Mutate(c => c.BackgroundColor(Color.White));
                    using var candidate = rendered.CloneAs<Rgb24>();
                    using var reference = Reference(Path.Combine(corpus, Path.GetFileName(output)), candidate.Width, candidate.Height, scenario == "cover300");
                    scores.Add(BestAligned(reference, candidate));
                }

                results.Add(new { scenario, engine = Path.GetFileName(engineDirectory), ssim = scores.Average(), min = scores.Min(), files = scores.Count });
            }
        }

        Console.WriteLine(JsonSerializer.Serialize(results));
    }

    private static Image<Rgb24> Reference(string original, int width, int height, bool cover)
    {
        var image = Image.Load<Rgb24>(original);
        image.Mutate(c => c.AutoOrient().Resize(new ResizeOptions
        {
            Size = new Size(width, height),
            Mode = cover ? ResizeMode.Crop : ResizeMode.Stretch,
            Sampler = KnownResamplers.Lanczos3,
        }));
        return image;
    }

    private static double BestAligned(Image<Rgb24> reference, Image<Rgb24> candidate)
    {
        var best = 0.0;
        for (var dy = -1; dy <= 1; dy++)
        {
            for (var dx = -1; dx <= 1; dx++)
            {
                var width = candidate.Width - Math.Abs(dx);
                var height = candidate.Height - Math.Abs(dy);
                using var a = reference.Clone(c => c.Crop(new Rectangle(Math.Max(0, dx), Math.Max(0, dy), width, height)));
                using var b = candidate.Clone(c => c.Crop(new Rectangle(Math.Max(0, -dx), Math.Max(0, -dy), width, height)));
                best = Math.Max(best, ImageApi.TestSupport.Ssim.Compare(a, b));
            }
        }

        return best;
    }
}
