using ImageApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ImageApi.Tests;

/// <summary>What the start-up log warns about, per mode.</summary>
[Collection(S3Collection.Name)]
public sealed class StartupLogTests(S3Fixture fixture)
{
    private const string Warning = "Uploads:SigningKey is not set";

    [Fact]
    public void The_embedded_mode_warns_about_a_missing_upload_signing_key()
    {
        using var app = new ImageApiFactory();
        _ = app.CreateClient();
        Assert.Contains(app.Logs, line => line.Contains(Warning, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_small_process_holds_at_most_an_eighth_of_its_memory_in_intermediates()
    {
        var root = Path.Combine(Path.GetTempPath(), "imageapi-tests", Guid.NewGuid().ToString("N"));
        using (var roomy = await AppProcess.StartAsync(root, new Dictionary<string, string?>()))
        {
            Assert.Contains("intermediates' pixels held up to 256 MB", roomy.Output, StringComparison.Ordinal);
        }

        // As a 512 MB function: the GC's limit is what the process may use.
        using var small = await AppProcess.StartAsync(root, new Dictionary<string, string?> { ["DOTNET_GCHeapHardLimit"] = "0x20000000" });
        Assert.Contains("intermediates' pixels held up to 64 MB", small.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_s3_mode_does_not_warn_about_the_upload_signing_key_it_does_not_use()
    {
        var environment = await fixture.CreateEnvironmentAsync();
        using var app = environment.CreateApp();
        _ = app.CreateClient();
        Assert.Contains(app.Logs, line => line.Contains("Uploads:", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs, line => line.Contains(Warning, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_log_says_which_watermark_and_presets_are_in_force()
    {
        var folder = Path.Combine(Path.GetTempPath(), "imageapi-marks-" + Guid.NewGuid().ToString("N"));
        try
        {
            var settings = Watermarking.Settings(folder, Watermarking.RedMark(), keyPrefixes: "uploads/shop/");
            settings["Presets:card"] = "w=400&h=300&fit=cover";
            settings["Presets:Only"] = "true";
            using var app = new ImageApiFactory(settings);
            _ = app.CreateClient();
            var fingerprint = (await app.Services.GetRequiredService<ImageApi.Images.WatermarkSource>().CurrentAsync(default))!.Fingerprint;
            Assert.Contains(app.Logs, line => line.Contains("Watermark: ", StringComparison.Ordinal) && line.Contains("covering uploads/shop/; fingerprint " + fingerprint, StringComparison.Ordinal));
            Assert.Contains(app.Logs, line => line.Contains("Presets: card; presets only: True", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
