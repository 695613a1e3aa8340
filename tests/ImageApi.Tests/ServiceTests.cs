using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ImageApi.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace ImageApi.Tests;

/// <summary>Health, Swagger, and start-up validation of the configuration.</summary>
public sealed class ServiceTests
{
    [Fact]
    public async Task Health_is_200()
    {
        using var factory = new ImageApiFactory();
        var response = await factory.CreateClient().GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Swagger_ui_and_document_describe_every_endpoint_parameter_and_status()
    {
        using var factory = new ImageApiFactory();
        var client = factory.CreateClient();

        var ui = await client.GetAsync("/swagger/index.html");
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        Assert.Contains("swagger-ui", await ui.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var json = await client.GetStringAsync("/swagger/v1/swagger.json");
        var paths = JsonDocument.Parse(json).RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/healthz", out _));
        Assert.True(paths.GetProperty("/uploads").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/uploads/{key}").TryGetProperty("put", out _));

        var get = paths.GetProperty("/images/{key}").GetProperty("get");
        var parameters = get.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        Assert.Equal(["key", "w", "h", "fit", "format", "q", "sig", "exp", "dpr", "gravity", "fp-x", "fp-y", "bg", "rot", "flip", "blur", "sharpen", "preset"], parameters.Keys);
        Assert.Equal(4096, parameters["w"].GetProperty("schema").GetProperty("maximum").GetInt32());
        Assert.Equal(["inside", "cover", "contain", "fill", "max", "clip", "crop", "min"], parameters["fit"].GetProperty("schema").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("Also spelled width", parameters["w"].GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("auto=format is format=auto", parameters["format"].GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(("number", 1m, 3m), (parameters["dpr"].GetProperty("schema").GetProperty("type").GetString(), parameters["dpr"].GetProperty("schema").GetProperty("minimum").GetDecimal(), parameters["dpr"].GetProperty("schema").GetProperty("maximum").GetDecimal()));
        Assert.Equal(0.3m, parameters["blur"].GetProperty("schema").GetProperty("minimum").GetDecimal());
        Assert.Equal([0, 90, 180, 270], parameters["rot"].GetProperty("schema").GetProperty("enum").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(["h", "v", "hv"], parameters["flip"].GetProperty("schema").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("center", parameters["gravity"].GetProperty("schema").GetProperty("default").GetString());
        Assert.Contains("rrggbbaa", parameters["bg"].GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(paths.GetProperty("/images/{key}").TryGetProperty("put", out var focal));
        Assert.Contains("focal-point", focal.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Equal(["webp", "avif", "jpeg", "png", "gif", "auto"], parameters["format"].GetProperty("schema").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        var statuses = get.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "200", "304", "400", "404", "413", "415", "422", "503" }, statuses);

        var document = JsonDocument.Parse(json).RootElement;
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("X-Api-Key", schemes.GetProperty("ApiKey").GetProperty("name").GetString());
        Assert.Equal("bearer", schemes.GetProperty("Bearer").GetProperty("scheme").GetString());
        var uploadSecurity = paths.GetProperty("/uploads").GetProperty("post").GetProperty("security");
        Assert.Equal(2, uploadSecurity.GetArrayLength());
        Assert.False(get.TryGetProperty("security", out _));

        var file = Path.Combine(factory.Root, "swagger.json");
        Directory.CreateDirectory(factory.Root);
        await File.WriteAllTextAsync(file, json);
        var (exit, output) = await RunAsync("openapi-spec-validator", file);
        Assert.True(exit == 0, output);
    }

    // The real app as a process: WebApplicationFactory's deferred host can race a failing start-up
    // and report ObjectDisposedException instead of the failure, and a process is what users run.
    [Theory]
    [InlineData("Renditions:Quality", "0", "Renditions:Quality must be from 1 to 100")]
    [InlineData("Renditions:Width", "5000", "Renditions:Width must be from 1 to Renditions:MaxWidth")]
    [InlineData("Renditions:MaxWidth", "0", "Renditions:MaxWidth")]
    [InlineData("Limits:MaxSourcePixels", "0", "Limits:MaxSourcePixels must be at least 1")]
    [InlineData("Limits:MaxDecodedMegabytes", "0", "Limits:MaxDecodedMegabytes must be from 1 to 16384")]
    [InlineData("Limits:DecodeBudgetMegabytes", "100", "Limits:DecodeBudgetMegabytes must be from Limits:MaxDecodedMegabytes (256)")]
    [InlineData("Limits:DecodeBudgetWait", "00:05:00", "Limits:DecodeBudgetWait")]
    [InlineData("Limits:MaxFrames", "0", "Limits:MaxFrames must be at least 1")]
    [InlineData("Limits:MaxJpegScans", "0", "Limits:MaxJpegScans must be at least 1")]
    [InlineData("Limits:IntermediateCacheMegabytes", "-1", "Limits:IntermediateCacheMegabytes must be from 0 (none kept) to 65536")]
    [InlineData("Pipeline:WebpEffort", "7", "Pipeline:WebpEffort must be from 0 to 6")]
    [InlineData("Pipeline:AvifEffort", "10", "Pipeline:AvifEffort must be from 0 to 9")]
    [InlineData("Delivery:AutoAvifMaxPixels", "-1", "Delivery:AutoAvifMaxPixels")]
    [InlineData("Uploads:MaxBytes", "0", "Uploads:MaxBytes must be at least 1")]
    [InlineData("Uploads:UrlExpiry", "00:00:01", "Uploads:UrlExpiry")]
    [InlineData("Uploads:KeyPrefix", "../", "Uploads:KeyPrefix")]
    [InlineData("Uploads:SigningKey", "short", "Uploads:SigningKey must be at least 32 characters")]
    [InlineData("Uploads:AllowedContentTypes:0", "image/bmp", "Uploads:AllowedContentTypes")]
    [InlineData("Delivery:CacheMaxAgeSeconds", "-1", "Delivery:CacheMaxAgeSeconds")]
    [InlineData("Storage:FileRoot", " ", "Storage:FileRoot")]
    [InlineData("Events:Workers", "0", "Events:Workers must be from 1 to 256")]
    [InlineData("Events:QueueCapacity", "0", "Events:QueueCapacity must be from 1 to 1000000")]
    [InlineData("Storage:Provider", "S3", "Storage:S3:SourceBucket must be an S3 bucket name")]
    [InlineData("Storage:S3:SourceBucket", "Bad_Bucket", "Storage:S3:SourceBucket must be an S3 bucket name")]
    [InlineData("Storage:S3:DestinationBucket", "originals", "Storage:S3:DestinationBucket must differ")]
    [InlineData("Storage:S3:ServiceUrl", "localhost:5000", "Storage:S3:ServiceUrl must be an absolute http(s) URL")]
    [InlineData("Storage:S3:MaxRetries", "99", "Storage:S3:MaxRetries")]
    public async Task Bad_configuration_stops_start_up_naming_the_setting(string setting, string value, string message)
    {
        var settings = new Dictionary<string, string?> { [setting] = value };
        if (setting.StartsWith("Storage:S3:", StringComparison.Ordinal))
        {
            settings.TryAdd("Storage:Provider", "S3");
            settings.TryAdd("Storage:S3:SourceBucket", "originals");
            settings.TryAdd("Storage:S3:DestinationBucket", "renditions");
        }

        var (exit, output) = await Repository.RunAppUntilExitAsync(settings);
        Assert.NotEqual(0, exit);
        Assert.Contains(message, output, StringComparison.Ordinal);
        Assert.Contains("OptionsValidationException", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Storage:Provider", "Bogus", "Storage:Provider")]
    [InlineData("Renditions:Format", "bmp", "Renditions:Format")]
    [InlineData("Limits:MaxSourceBytes", "lots", "Limits:MaxSourceBytes")]
    public async Task Unparseable_configuration_stops_start_up_naming_the_setting(string setting, string value, string message)
    {
        var (exit, output) = await Repository.RunAppUntilExitAsync(new Dictionary<string, string?> { [setting] = value });
        Assert.NotEqual(0, exit);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }


    [Fact]
    public async Task Configured_settings_take_effect()
    {
        using var factory = new ImageApiFactory(new Dictionary<string, string?>
        {
            ["Delivery:CacheMaxAgeSeconds"] = "60",
            ["Renditions:MaxWidth"] = "500",
            ["Renditions:Width"] = "500",
        });
        var client = factory.CreateClient();
        var ticket = await client.UploadAsync("photo-cups.jpg", "image/jpeg");
        var (response, _, _) = await client.GetImageAsync(ticket.Image("w=500"));
        Assert.Equal("public, max-age=60", response.Headers.CacheControl?.ToString());
        await (await client.GetAsync(ticket.Image("w=501"))).ReadProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData(true, "https://d111.cloudfront.net/images/")]
    [InlineData(false, "http://localhost/images/")]
    public async Task Behind_cloudfront_tickets_name_the_viewer_host_only_when_trusted(bool trusted, string expected)
    {
        using var factory = new ImageApiFactory(new Dictionary<string, string?> { ["Delivery:TrustForwardedHeaders"] = trusted ? "true" : "false" });
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Viewer-Host", "d111.cloudfront.net");
        client.DefaultRequestHeaders.Add("X-Viewer-Proto", "https");
        var ticket = await client.RequestUploadAsync("a.jpg", "image/jpeg", 10);
        Assert.StartsWith(expected, ticket.ImageUrl.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_events_endpoint_is_off_for_the_folder_store_unless_switched_on()
    {
        using var on = new ImageApiFactory(new Dictionary<string, string?> { ["Events:Enabled"] = "true" });
        var body = new StringContent("{\"Records\":[]}", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.OK, (await on.CreateClient().PostAsync("/events", body)).StatusCode);

        foreach (var settings in new[] { new Dictionary<string, string?> { ["Events:Enabled"] = "false" }, [] })
        {
            using var off = new ImageApiFactory(settings);
            var response = await off.CreateClient().PostAsync("/events", new StringContent("{\"Records\":[]}", System.Text.Encoding.UTF8, "application/json"));
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"{(int)response.StatusCode}");
        }
    }

    private static async Task<(int Exit, string Output)> RunAsync(string program, string argument)
    {
        var start = new ProcessStartInfo(program, [argument]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }
}
