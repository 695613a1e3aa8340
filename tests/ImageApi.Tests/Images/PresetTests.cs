using System.Net;
using System.Text.Json;
using ImageApi.Processing.Naming;
using ImageApi.Processing.Security;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Images;

/// <summary>Presets through the service: one stored object with the spelled-out transform, their own watermark choice, presets-only mode, Swagger.</summary>
public sealed class PresetTests : IDisposable
{
    private const string SigningKey = "preset-test-signing-key-0123456789abcdef";
    private const string Image = "uploads/p/photo.jpg";
    private readonly string _marks = Path.Combine(Path.GetTempPath(), "imageapi-marks-" + Guid.NewGuid().ToString("N"));
    private readonly List<ImageApiFactory> _apps = [];

    public void Dispose()
    {
        _apps.ForEach(a => a.Dispose());
        if (Directory.Exists(_marks))
        {
            Directory.Delete(_marks, recursive: true);
        }
    }

    private (ImageApiFactory App, HttpClient Client) Start(bool only = false)
    {
        var settings = Watermarking.Settings(_marks, Watermarking.RedMark());
        settings["Presets:card"] = "w=400&h=300&fit=cover";
        settings["Presets:Avatar:Transform"] = "w=240&h=240&fit=cover&format=png";
        settings["Presets:Avatar:Watermark"] = "none";
        settings["Presets:Only"] = only ? "true" : "false";
        settings["Signing:Keys:0"] = SigningKey;
        var app = new ImageApiFactory(settings);
        _apps.Add(app);
        var path = Path.Combine(app.SourceRoot, Image);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, TestImages.Bytes("photo-cups.jpg"));
        return (app, app.CreateClient());
    }

    private static string Folder(ImageApiFactory app) => Path.Combine(app.DestinationRoot, "processed", Image);

    [Fact]
    public async Task A_preset_and_its_transform_spelled_out_share_one_stored_rendition()
    {
        var (app, client) = Start();
        var (byPreset, presetBytes, info) = await client.GetImageAsync($"/images/{Image}?preset=card");
        Assert.Equal((400, 300), (info.Width, info.Height));
        var (spelled, spelledBytes, _) = await client.GetImageAsync($"/images/{Image}?fit=cover&h=300&w=400");
        Assert.Equal(presetBytes, spelledBytes);
        Assert.Equal(byPreset.Headers.ETag, spelled.Headers.ETag);
        Assert.Equal(1, app.RenditionsGenerated);
        Assert.Single(Directory.GetFiles(Folder(app), "w400-h300-cover-q80-wm*.webp"));

        // format=auto beside a preset negotiates as it would beside the transform.
        var (auto, _, jpeg) = await client.GetImageAsync($"/images/{Image}?preset=card&format=auto", "image/jpeg");
        Assert.Equal(("jpeg", 400, 300), (jpeg.Format, jpeg.Width, jpeg.Height));
        Assert.Contains("Accept", auto.Headers.Vary);
    }

    [Fact]
    public async Task A_preset_may_leave_out_the_mark_that_the_same_transform_spelled_out_carries()
    {
        var (app, client) = Start();
        var (_, _, avatar) = await client.GetImageAsync($"/images/{Image}?preset=avatar");
        var (_, _, spelled) = await client.GetImageAsync($"/images/{Image}?w=240&h=240&fit=cover&format=png");
        var spec = new Processing.Transforms.RenditionSpec(240, 240, Processing.Transforms.FitMode.Cover, Processing.Formats.OutputFormats.Png, null);
        var unmarked = Watermarking.Unmarked(app, TestImages.Bytes("photo-cups.jpg"), spec);
        Assert.Equal(0, avatar.MeanAbsoluteDifference(unmarked));
        Watermarking.AssertMarked(spelled, unmarked, "the avatar's transform spelled out");
        Assert.True(File.Exists(Path.Combine(Folder(app), "w240-h240-cover.png")));
        Assert.Single(Directory.GetFiles(Folder(app), "w240-h240-cover-wm*.png"));
    }

    [Theory]
    [InlineData("preset=nope", "'preset' must be one of the configured presets: avatar, card; got 'nope'")]
    [InlineData("preset=card&w=500", "'w' cannot be given with 'preset'")]
    public async Task Bad_preset_requests_are_400_naming_the_parameter(string query, string message)
    {
        var (_, client) = Start();
        var problem = await (await client.GetAsync($"/images/{Image}?{query}")).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(message, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("preset=card")]
    [InlineData("PRESET=Avatar")]
    [InlineData("preset=card&format=auto")]
    [InlineData("format=auto")]
    public async Task Presets_only_serves_presets_auto_and_the_default_rendition(string query)
    {
        var (_, client) = Start(only: true);
        await client.GetImageAsync($"/images/{Image}?{query}", "image/webp");
    }

    [Theory]
    [InlineData("w=400")]
    [InlineData("format=jpeg")]
    [InlineData("preset=card&format=png")]
    [InlineData("q=50")]
    public async Task Presets_only_answers_anything_else_400_listing_the_presets(string query)
    {
        var (app, client) = Start(only: true);
        var problem = await (await client.GetAsync($"/images/{Image}?{query}")).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("urn:imageapi:problem:preset-required", problem.GetProperty("type").GetString());
        Assert.Equal(["avatar", "card"], problem.GetProperty("presets").EnumerateArray().Select(p => p.GetString()));
        Assert.Contains("Presets: avatar, card.", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, app.RenditionsGenerated);
    }

    [Fact]
    public async Task Presets_only_still_serves_a_validly_signed_request()
    {
        var (_, client) = Start(only: true);
        var signature = new TransformSigner([SigningKey]).Sign(SourceKey.Parse(Image), "w=300");
        var (_, _, info) = await client.GetImageAsync($"/images/{Image}?w=300&sig={signature}");
        Assert.Equal(300, info.Width);

        var forged = new TransformSigner(["another-key-that-is-not-configured-0123"]).Sign(SourceKey.Parse(Image), "w=300");
        await (await client.GetAsync($"/images/{Image}?w=300&sig={forged}")).ReadProblemAsync(HttpStatusCode.BadRequest);
        var other = await (await client.GetAsync($"/images/{Image}?w=301&sig={signature}")).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("urn:imageapi:problem:preset-required", other.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Swagger_lists_the_configured_presets_in_the_parameters_description()
    {
        var (_, client) = Start();
        using var document = JsonDocument.Parse(await client.GetStringAsync("/swagger/v1/swagger.json"));
        var preset = document.RootElement.GetProperty("paths").EnumerateObject().Single(p => p.Name.StartsWith("/images/", StringComparison.Ordinal)).Value
            .GetProperty("get").GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "preset");
        var description = preset.GetProperty("description").GetString()!;
        Assert.Contains("avatar (w=240&h=240&fit=cover&format=png, unmarked)", description, StringComparison.Ordinal);
        Assert.Contains("card (w=400&h=300&fit=cover)", description, StringComparison.Ordinal);
        Assert.Equal(["avatar", "card"], preset.GetProperty("schema").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
    }
}
