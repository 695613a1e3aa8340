using System.Net;
using System.Text;
using ImageApi.Tests.Http;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Events;

/// <summary><c>POST /events</c>: closed by default for the folder store, and bounded everywhere.</summary>
public sealed class EventEndpointLimitsTests
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Records(int count) =>
        "{\"Records\":[" + string.Join(",", Enumerable.Repeat("""{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"other/x.jpg"}}}""", count)) + "]}";

    [Fact]
    public async Task The_folder_store_has_no_events_endpoint_by_default()
    {
        using var factory = new ImageApiFactory();
        var response = await factory.CreateClient().PostAsync("/events", Json("{\"Records\":[]}"));
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"{(int)response.StatusCode}");
    }

    [Fact]
    public async Task Without_the_endpoint_an_upload_still_makes_the_default_rendition()
    {
        using var factory = new ImageApiFactory();
        await factory.CreateClient().UploadAsync("photo-cups.jpg", "image/jpeg");
        var file = await ApiClient.WaitForFileAsync(Path.Combine(factory.DestinationRoot, "processed"), "*.webp", TimeSpan.FromSeconds(30));
        Assert.True(new FileInfo(file).Length > 0);
    }

    [Fact]
    public async Task Turned_on_it_takes_an_event_of_up_to_100_records()
    {
        using var factory = new ImageApiFactory(new Dictionary<string, string?> { ["Events:Enabled"] = "true" });
        var response = await factory.CreateClient().PostAsync("/events", Json(Records(100)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task More_than_100_records_are_a_400()
    {
        using var factory = new ImageApiFactory(new Dictionary<string, string?> { ["Events:Enabled"] = "true" });
        var response = await factory.CreateClient().PostAsync("/events", Json(Records(101)));
        await response.ReadProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_1_MB_is_a_413(bool withLength)
    {
        using var factory = new ImageApiFactory(new Dictionary<string, string?> { ["Events:Enabled"] = "true" });
        var body = "{\"Records\":[],\"pad\":\"" + new string('x', 1024 * 1024) + "\"}";
        HttpContent content = withLength ? Json(body) : new StreamContent(new NonSeekable(Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new("application/json");
        var response = await factory.CreateClient().PostAsync("/events", content);
        await response.ReadProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    /// <summary>A body of unknown length (sent chunked).</summary>
    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
