using System.Net;
using System.Text.Json;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Security;

/// <summary>
/// A progressive JPEG with 200,000 scans: a 2 MB file that makes libjpeg redo the whole image for
/// every scan (minutes of CPU per request). The service counts the SOS markers before decoding and
/// refuses more than <c>Limits:MaxJpegScans</c> (200) as 422.
/// </summary>
public sealed class ScanBombTests : IDisposable
{
    private readonly ImageApiFactory _factory = new(new Dictionary<string, string?> { ["RateLimits:RenditionsPerMinute"] = "0" });

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task A_jpeg_with_200000_scans_is_422_on_upload_and_on_request_while_other_images_are_served()
    {
        var client = _factory.CreateClient();
        var good = await client.UploadAsync("photo-cups.jpg", "image/jpeg");
        var bomb = GeneratedImages.ScanBomb(200_000);
        var ticket = await client.UploadBytesAsync("progressive.jpg", "image/jpeg", bomb);

        // The upload's event (the default rendition's path) refuses it and records why.
        var folder = Path.Combine(_factory.DestinationRoot, "processed", ticket.Key);
        var record = JsonDocument.Parse(await File.ReadAllTextAsync(await ApiClient.WaitForFileAsync(folder, "_source.json", TimeSpan.FromSeconds(60)))).RootElement;
        var rejection = record.GetProperty("rejection");
        Assert.Equal(422, rejection.GetProperty("status").GetInt32());
        Assert.Equal("urn:imageapi:problem:undecodable", rejection.GetProperty("type").GetString());
        Assert.Contains("more than 200 scans", rejection.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(["_source.json"], Directory.GetFiles(folder).Select(Path.GetFileName));
        await ApiClient.WaitForLogAsync(_factory, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains(ticket.Key, StringComparison.Ordinal) && l.Contains("SourceTooManyScans", StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        await ApiClient.WaitForFileAsync(Path.Combine(_factory.DestinationRoot, "processed", good.Key), "_source.json", TimeSpan.FromSeconds(30));

        // Requested now, the recorded refusal answers without reading the bomb again, while a request for
        // another image runs beside it and is served.
        var read = _factory.OriginalBytesRead;
        var refused = client.GetAsync(ticket.Image("w=300"));
        var served = client.GetImageAsync(good.Image("w=300"));
        var problem = await (await refused).ReadProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(rejection.GetProperty("detail").GetString(), problem.GetProperty("detail").GetString());
        Assert.Equal((300, 188), ((await served).Info.Width, (await served).Info.Height));
        Assert.Equal(read + TestImages.Bytes("photo-cups.jpg").Length, _factory.OriginalBytesRead);
    }

    [Fact]
    public async Task A_bomb_that_never_went_through_an_upload_is_refused_on_its_first_request()
    {
        // Put in the bucket some other way: no event, no record; the request path counts the scans itself.
        var client = _factory.CreateClient();
        const string key = "uploads/elsewhere/bomb.jpg";
        Place(key, GeneratedImages.ScanBomb(200_000));
        var refused = client.GetAsync($"/images/{key}?w=120&format=png");
        var served = client.GetImageAsync("/images/uploads/elsewhere/good.jpg?w=120");
        var problem = await (await refused).ReadProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("more than 200 scans", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(120, (await served).Info.Width);
        Assert.True(File.Exists(Path.Combine(_factory.DestinationRoot, "processed", key, "_source.json")), "the refusal is recorded");
    }

    [Fact]
    public async Task The_same_construction_under_the_scan_limit_reaches_the_decoder()
    {
        // The control: 150 extra scans, about 160 in all, pass the count and go to libjpeg, which finds
        // the repeated refinement scans inconsistent and fails with its own error (which libjpeg message
        // comes first varies: "Inconsistent progression sequence", "premature end of data"): so the refusal above is
        // the scan count, made before decoding, not something the decoder would have said anyway.
        var client = _factory.CreateClient();
        const string key = "uploads/elsewhere/many-scans.jpg";
        Place(key, GeneratedImages.ScanBomb(150));
        var problem = await (await client.GetAsync($"/images/{key}?w=120&format=png")).ReadProblemAsync(HttpStatusCode.UnprocessableEntity);
        var detail = problem.GetProperty("detail").GetString();
        Assert.DoesNotContain("scans", detail, StringComparison.Ordinal);
        Assert.StartsWith("The original cannot be decoded:", detail, StringComparison.Ordinal);
    }

    private void Place(string key, byte[] bytes)
    {
        foreach (var (k, b) in new[] { (key, bytes), ("uploads/elsewhere/good.jpg", TestImages.Bytes("photo-cups.jpg")) })
        {
            var path = Path.Combine(_factory.SourceRoot, k);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, b);
        }
    }
}
