using System.Net;
using System.Net.Http.Json;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Images;

/// <summary>
/// An original's own focal point in the embedded mode: given with the upload ticket, stored with the
/// original (the folder store's side file), kept by gravity=focal and gravity=auto, changed with
/// PUT /images/{key}/focal-point, which removes the renditions cut with the old point and no others.
/// </summary>
public sealed class FocalPointTests : IDisposable
{
    private readonly ImageApiFactory _app = new();

    public void Dispose() => _app.Dispose();

    private const string Crop = "w=100&h=100&fit=cover&format=png";

    private string Folder(Ticket ticket) => Path.Combine(_app.DestinationRoot, "processed", ticket.Key);

    private Task<string> WaitForDefaultAsync(Ticket ticket) => ApiClient.WaitForFileAsync(Folder(ticket), "w800-h800-inside-q80.webp", TimeSpan.FromSeconds(30));

    [Fact]
    public async Task The_tickets_focal_point_is_stored_with_the_original_and_kept_by_focal_and_auto()
    {
        var client = _app.CreateClient();
        var ticket = await client.UploadBytesAsync("dot.png", "image/png", FocalPointImages.Dot(540, 150), new { x = 0.9, y = 0.5 });
        Assert.Contains("focalPoint=0.9%2C0.5", ticket.UploadUrl.Query, StringComparison.Ordinal);
        var side = Path.Combine(_app.Root, "source.metadata", ticket.Key + ".json");
        Assert.Equal("{\"focal-point\":\"0.9,0.5\"}", await File.ReadAllTextAsync(side));

        // 100×100 of the 200×100 scaled image: the dot (at 180) is in the crop's right part, as far right as the image allows.
        Assert.InRange(FocalPointImages.DotColumn((await client.GetImageAsync(ticket.Image(Crop + "&gravity=focal"))).Info), 75, 85);
        Assert.InRange(FocalPointImages.DotColumn((await client.GetImageAsync(ticket.Image(Crop + "&gravity=auto"))).Info), 75, 85);
        Assert.True(double.IsNaN(FocalPointImages.DotColumn((await client.GetImageAsync(ticket.Image(Crop))).Info)), "a centred crop misses the dot");
    }

    [Fact]
    public async Task Without_a_focal_point_focal_is_the_centre_and_auto_is_smart()
    {
        var client = _app.CreateClient();
        var ticket = await client.UploadBytesAsync("dot.png", "image/png", FocalPointImages.Dot(540, 150));
        Assert.True(double.IsNaN(FocalPointImages.DotColumn((await client.GetImageAsync(ticket.Image(Crop + "&gravity=focal"))).Info)));
        Assert.False(double.IsNaN(FocalPointImages.DotColumn((await client.GetImageAsync(ticket.Image(Crop + "&gravity=auto"))).Info)), "smart finds the only thing in the picture");
    }

    [Fact]
    public async Task Changing_it_removes_the_renditions_cut_with_the_old_one_and_no_others()
    {
        var client = _app.CreateClient();
        var ticket = await client.UploadBytesAsync("dot.png", "image/png", FocalPointImages.Dot(540, 150), new { x = 0.9, y = 0.5 });
        await WaitForDefaultAsync(ticket);
        await client.GetImageAsync(ticket.Image(Crop + "&gravity=focal"));
        await client.GetImageAsync(ticket.Image(Crop + "&gravity=auto"));
        await client.GetImageAsync(ticket.Image(Crop + "&fp-x=0.1&fp-y=0.5"));
        await client.GetImageAsync(ticket.Image("w=300"));
        string[] Stored() => [.. Directory.EnumerateFiles(Folder(ticket)).Select(Path.GetFileName).Where(n => !n!.StartsWith('_')).Order()!];
        Assert.Equal(["w100-h100-cover-fp0.1x0.5.png", "w100-h100-cover-gauto.png", "w100-h100-cover-gfocal.png", "w300-hauto-inside-q80.webp", "w800-h800-inside-q80.webp"], Stored());

        var response = await client.PutAsJsonAsync(ticket.ImageUrl.AbsolutePath + "/focal-point", new { x = 0.1, y = 0.5 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("0.1", (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("focalPoint").GetProperty("x").ToString());
        await ApiClient.WaitForLogAsync(_app, l => l.Contains($"Focal point of {ticket.Key} changed from 0.9,0.5 to 0.1,0.5; 2 renditions", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.Equal(["w100-h100-cover-fp0.1x0.5.png", "w300-hauto-inside-q80.webp", "w800-h800-inside-q80.webp"], Stored());

        // Cut again with the new point, on the left, far from the dot: the picture the explicit point makes.
        var recut = (await client.GetImageAsync(ticket.Image(Crop + "&gravity=focal"))).Bytes;
        Assert.True(double.IsNaN(FocalPointImages.DotColumn(Decoded.From(recut))));
        Assert.Equal((await client.GetImageAsync(ticket.Image(Crop + "&fp-x=0.1&fp-y=0.5"))).Bytes, recut);
    }

    [Theory]
    [InlineData("{\"x\": 1.5, \"y\": 0.5}")]
    [InlineData("{\"x\": 0.5}")]
    [InlineData("{\"x\": 0.5, \"y\": -0.1}")]
    [InlineData("{\"x\": 0.12345, \"y\": 0.5}")]
    [InlineData("{}")]
    public async Task A_point_outside_the_image_is_400_for_the_ticket_and_for_the_change(string point)
    {
        var client = _app.CreateClient();
        var body = new StringContent($"{{\"fileName\": \"a.png\", \"contentType\": \"image/png\", \"contentLength\": 10, \"focalPoint\": {point}}}", System.Text.Encoding.UTF8, "application/json");
        var problem = await (await client.PostAsync("/uploads", body)).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("from 0 to 1", problem.GetProperty("errors").GetProperty("focalPoint").GetString(), StringComparison.Ordinal);

        var ticket = await client.UploadBytesAsync("dot.png", "image/png", FocalPointImages.Dot(300, 150));
        var change = await client.PutAsync(ticket.ImageUrl.AbsolutePath + "/focal-point", new StringContent(point, System.Text.Encoding.UTF8, "application/json"));
        Assert.Contains("from 0 to 1", (await change.ReadProblemAsync(HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_change_needs_upload_credentials_and_an_original()
    {
        const string key = "upload-api-key-0123456789abcdef-xyz";
        using var app = new ImageApiFactory(new Dictionary<string, string?> { ["Uploads:AllowAnonymous"] = "false", ["Uploads:ApiKeys:0"] = key });
        var client = app.CreateClient();
        await (await client.PutAsJsonAsync("/images/uploads/nothing/a.jpg/focal-point", new { x = 0.5, y = 0.5 })).ReadProblemAsync(HttpStatusCode.Unauthorized);
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        await (await client.PutAsJsonAsync("/images/uploads/nothing/a.jpg/focal-point", new { x = 0.5, y = 0.5 })).ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_tampered_focal_point_in_the_upload_url_is_refused()
    {
        var client = _app.CreateClient();
        var bytes = FocalPointImages.Dot(300, 150);
        var ticket = await client.RequestUploadAsync("dot.png", "image/png", bytes.Length, new { x = 0.9, y = 0.5 });
        var tampered = ticket with { UploadUrl = new Uri(ticket.UploadUrl.ToString().Replace("focalPoint=0.9%2C0.5", "focalPoint=0.1%2C0.5", StringComparison.Ordinal)) };
        Assert.NotEqual(ticket.UploadUrl, tampered.UploadUrl);
        await (await client.SendUploadAsync(tampered, bytes)).ReadProblemAsync(HttpStatusCode.Forbidden);
    }
}
