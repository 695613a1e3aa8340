using ImageApi.Processing.Transforms;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Images;

/// <summary>
/// The README's picture of a marked default rendition is what the service makes: docs/watermark.png over
/// a real photo with the default settings, uploaded and served like any other. The picture the run made
/// is left in artifacts/test-output; docs/ holds the committed copy, which must match it.
/// </summary>
public sealed class ReadmePictureTests
{
    public const string Picture = "watermarked-default.webp";

    [Fact]
    public async Task The_readme_shows_the_default_rendition_the_service_makes_with_a_mark()
    {
        using var app = new ImageApiFactory(new Dictionary<string, string?> { ["Watermarks:Image"] = Repository.PathOf("docs", "watermark.png") });
        var client = app.CreateClient();
        var ticket = await client.UploadAsync("photo-autumn.jpg", "image/jpeg");
        await ApiClient.WaitForFileAsync(Path.Combine(app.DestinationRoot, "processed", ticket.Key), "_source.json", TimeSpan.FromSeconds(30));
        var (_, bytes, made) = await client.GetImageAsync(ticket.Image());
        await File.WriteAllBytesAsync(Path.Combine(BrowserFixture.OutputFolder, Picture), bytes);

        // Marked in the southeast (0.2 of the width, 0.02 of the height from the edges), and nowhere else.
        var defaults = new RenditionDefaults();
        var unmarked = Watermarking.Unmarked(app, TestImages.Bytes("photo-autumn.jpg"), TransformRequest.Default(defaults).Resolve(defaults));
        var changed = WatermarkImages.Changed(made, unmarked, tolerance: 24);
        Assert.NotNull(changed);
        var (left, top, width, height) = changed.Value;
        Assert.True(left >= made.Width * 0.75 && top >= made.Height * 0.85 && left + width <= made.Width - 5 && top + height <= made.Height - 5, $"the mark is at {changed}");

        var committed = Repository.PathOf("docs", Picture);
        Assert.True(File.Exists(committed), $"copy artifacts/test-output/{Picture} to docs/");
        var psnr = Decoded.From(await File.ReadAllBytesAsync(committed)).Psnr(made);
        Assert.True(psnr > 40, $"docs/{Picture} is not what the service makes now (PSNR {psnr:0.0} dB): copy artifacts/test-output/{Picture} to docs/");
    }
}
