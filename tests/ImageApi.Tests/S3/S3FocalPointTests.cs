using System.Net;
using System.Net.Http.Json;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.S3;

/// <summary>
/// The focal point on S3 (moto over HTTP): the ticket's signed x-amz-meta-focal-point header stores it
/// as the original's user metadata, a change copies the original onto itself with the new metadata,
/// and the ObjectCreated:Copy event that copy makes removes the renditions cut with the old point.
/// </summary>
[Collection(S3Collection.Name)]
public sealed class S3FocalPointTests(S3Fixture fixture)
{
    private const string Crop = "w=100&h=100&fit=cover&format=png";

    [Fact]
    public async Task The_focal_point_is_object_metadata_and_a_change_removes_what_the_old_one_cut()
    {
        var environment = await fixture.CreateEnvironmentAsync();
        using var app = environment.CreateApp();
        var client = app.CreateClient();
        var original = FocalPointImages.Dot(540, 150);

        var ticket = await client.RequestUploadAsync("dot.png", "image/png", original.Length, new { x = 0.9, y = 0.5 });
        Assert.Equal("0.9,0.5", ticket.Headers["x-amz-meta-focal-point"]);
        using (var browser = new HttpClient())
        {
            var put = await browser.SendUploadAsync(ticket, original);
            Assert.True(put.IsSuccessStatusCode, $"{(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
        }

        var head = await fixture.S3.GetObjectMetadataAsync(environment.SourceBucket, ticket.Key);
        Assert.Equal("0.9,0.5", head.Metadata["focal-point"]);
        Assert.Contains(await environment.DeliverEventsAsync(client, 1), e => e.Outcome == "rendition-made");

        Assert.InRange(FocalPointImages.DotColumn((await client.GetImageAsync(ticket.Image(Crop + "&gravity=auto"))).Info), 75, 85);
        await client.GetImageAsync(ticket.Image(Crop + "&gravity=focal"));
        await client.GetImageAsync(ticket.Image(Crop + "&gravity=north"));

        var change = await client.PutAsJsonAsync(ticket.ImageUrl.AbsolutePath + "/focal-point", new { x = 0.1, y = 0.5 });
        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        var changed = await fixture.S3.GetObjectMetadataAsync(environment.SourceBucket, ticket.Key);
        Assert.Equal(("0.1,0.5", "image/png", head.ETag), (changed.Metadata["focal-point"], changed.Headers.ContentType, changed.ETag));
        Assert.Equal(original, await environment.ReadAsync(environment.SourceBucket, ticket.Key));

        var events = await environment.DeliverEventsAsync(client, 1);
        Assert.Contains(events, e => e.Key == ticket.Key && e.EventName == "ObjectCreated:Copy" && e.Outcome == "focal-point-changed");
        var left = (await environment.ListAsync(environment.DestinationBucket, $"processed/{ticket.Key}/")).Select(k => k[(k.LastIndexOf('/') + 1)..]).Where(n => !n.StartsWith('_')).Order();
        Assert.Equal(["w100-h100-cover-gnorth.png", "w800-h800-inside-q80.webp"], left);

        // Cut again, with the new point: far left, away from the dot.
        Assert.True(double.IsNaN(FocalPointImages.DotColumn((await client.GetImageAsync(ticket.Image(Crop + "&gravity=auto"))).Info)));
    }
}
