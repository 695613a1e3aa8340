using ImageApi.Tests.Infrastructure;

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
    public async Task The_s3_mode_does_not_warn_about_the_upload_signing_key_it_does_not_use()
    {
        var environment = await fixture.CreateEnvironmentAsync();
        using var app = environment.CreateApp();
        _ = app.CreateClient();
        Assert.Contains(app.Logs, line => line.Contains("Uploads:", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs, line => line.Contains(Warning, StringComparison.Ordinal));
    }
}
