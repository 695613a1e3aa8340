using System.Net;
using System.Text;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.S3;

/// <summary>
/// The service on S3, against moto's S3 server over HTTP. Events are the ones moto itself put on the
/// queue when objects were written, posted to <c>/events</c> as the Lambda Web Adapter would.
/// </summary>
[Collection(S3Collection.Name)]
public sealed class S3StorageTests(S3Fixture fixture)
{
    private const string DefaultVariant = "w800-h800-inside-q80.webp";

    [Fact]
    public async Task Full_flow_presigned_put_to_s3_event_default_rendition_on_demand_size_cached()
    {
        var environment = await fixture.CreateEnvironmentAsync();
        using var app = environment.CreateApp();
        var client = app.CreateClient();
        var original = TestImages.Bytes("photo-cups.jpg");

        // 1. The ticket is a presigned S3 PUT whose signature covers type, exact size and If-None-Match: *.
        var ticket = await client.RequestUploadAsync("photo-cups.jpg", "image/jpeg", original.Length);
        Assert.Equal("PUT", ticket.Method);
        Assert.StartsWith(fixture.Proxy.Url.ToString(), ticket.UploadUrl.ToString(), StringComparison.Ordinal);
        Assert.Equal("image/jpeg", ticket.Headers["Content-Type"]);
        Assert.Equal("*", ticket.Headers["If-None-Match"]);

        // 2. The browser's part: a PUT straight to S3 with the ticket's headers. S3 stores exactly the bytes sent.
        var put = await PutToS3Async(ticket, original);
        Assert.True(put.IsSuccessStatusCode, $"{(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
        Assert.Equal(original, await environment.ReadAsync(environment.SourceBucket, ticket.Key));

        // 3. The ObjectCreated event S3 emitted, delivered to /events, makes the default rendition.
        var events = await environment.DeliverEventsAsync(client, 1);
        Assert.Contains(events, e => e.Key == ticket.Key && e.Outcome == "rendition-made");
        var defaultBytes = await environment.ReadAsync(environment.DestinationBucket, $"processed/{ticket.Key}/{DefaultVariant}");
        Assert.NotNull(defaultBytes);
        var info = Decoded.From(defaultBytes);
        Assert.Equal(("webp", 800, 500), (info.Format, info.Width, info.Height));

        // 4. A new size: generated once, stored in the destination bucket, then served from it.
        var (first, firstBytes, firstInfo) = await client.GetImageAsync(ticket.Image("w=400"));
        Assert.Equal(400, firstInfo.Width);
        Assert.Contains("cache;desc=miss", first.Headers.GetValues("Server-Timing").Single(), StringComparison.Ordinal);
        Assert.Equal(firstBytes, await environment.ReadAsync(environment.DestinationBucket, $"processed/{ticket.Key}/w400-hauto-inside-q80.webp"));
        var generated = app.RenditionsGenerated;
        var read = app.OriginalBytesRead;

        var (second, secondBytes, _) = await client.GetImageAsync(ticket.Image("w=400"));
        Assert.Equal(firstBytes, secondBytes);
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.Contains("cache;desc=hit", second.Headers.GetValues("Server-Timing").Single(), StringComparison.Ordinal);
        Assert.Equal(generated, app.RenditionsGenerated);
        Assert.Equal(read, app.OriginalBytesRead);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, ticket.Image("w=400"));
        conditional.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(conditional)).StatusCode);
    }

    [Fact]
    public async Task The_embedded_upload_endpoint_does_not_exist_on_s3()
    {
        var environment = await fixture.CreateEnvironmentAsync();
        using var app = environment.CreateApp();
        var response = await app.CreateClient().PutAsync("/uploads/uploads/x.jpg?signature=x", new ByteArrayContent([1]));
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"{(int)response.StatusCode}");
    }

    [Fact]
    public async Task Duplicate_delivery_does_the_work_once()
    {
        var environment = await fixture.CreateEnvironmentAsync();
        using var app = environment.CreateApp();
        var client = app.CreateClient();
        await environment.PutOriginalAsync("uploads/dup/a.jpg", TestImages.Bytes("photo-autumn.jpg"));
        var events = await environment.DeliverEventsAsync(client, 1);
        Assert.Equal("rendition-made", events.Single().Outcome);
        var generated = app.RenditionsGenerated;

        var again = await S3Environment.PostEventAsync(client, events.Single().Body);
        Assert.Equal("already-done", again.Single().Outcome);
        Assert.Equal(generated, app.RenditionsGenerated);
    }

    [Fact]
    public async Task Overwritten_original_gets_fresh_renditions_and_loses_stale_ones()
    {
        var environment = await fixture.CreateEnvironmentAsync();
        using var app = environment.CreateApp();
        var client = app.CreateClient();
        const string key = "uploads/over/photo.jpg";
        await environment.PutOriginalAsync(key, TestImages.Bytes("photo-cups.jpg"));
        await environment.DeliverEventsAsync(client, 1);
        await client.GetImageAsync($"/images/{key}?w=100");
        Assert.Contains($"processed/{key}/w100-hauto-inside-q80.webp", await environment.ListAsync(environment.DestinationBucket));

        // Same key, another picture (portrait): the old renditions must go.
        await environment.PutOriginalAsync(key, TestImages.Bytes("exif-rotated.jpg"));
        var events = await environment.DeliverEventsAsync(client, 1);
        Assert.Equal("rendition-replaced", events.Single().Outcome);
        var renditions = await environment.ListAsync(environment.DestinationBucket, $"processed/{key}/");
        Assert.Equal([$"processed/{key}/_source.json", $"processed/{key}/{DefaultVariant}"], renditions);
        var (_, _, info) = await client.GetImageAsync($"/images/{key}");
        Assert.Equal((400, 640), (info.Width, info.Height));
        var (_, _, small) = await client.GetImageAsync($"/images/{key}?w=100");
        Assert.Equal((100, 160), (small.Width, small.Height));
    }

    [Fact]
    public async Task Removed_original_loses_all_its_renditions_and_no_others()
    {
        var environment = await fixture.CreateEnvironmentAsync();
        using var app = environment.CreateApp();
        var client = app.CreateClient();
        await environment.PutOriginalAsync("uploads/del/a", TestImages.Bytes("photo-cups.jpg"));
        await environment.PutOriginalAsync("uploads/del/a/b", TestImages.Bytes("photo-autumn.jpg"));
        await environment.DeliverEventsAsync(client, 2);
        await client.GetImageAsync("/images/uploads/del/a?w=50");

        await environment.DeleteOriginalAsync("uploads/del/a");
        var events = await environment.DeliverEventsAsync(client, 1);
        Assert.Equal(("ObjectRemoved:Delete", "uploads/del/a", "renditions-deleted"), (events.Single().EventName, events.Single().Key, events.Single().Outcome));

        var left = await environment.ListAsync(environment.DestinationBucket);
        Assert.DoesNotContain(left, k => k.StartsWith("processed/uploads/del/a/w", StringComparison.Ordinal));
        Assert.Contains($"processed/uploads/del/a/b/{DefaultVariant}", left);
        await (await client.GetAsync("/images/uploads/del/a?w=50")).ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Forged_removal_of_an_existing_original_changes_nothing()
    {
        var environment = await fixture.CreateEnvironmentAsync();
        using var app = environment.CreateApp();
        var client = app.CreateClient();
        await environment.PutOriginalAsync("uploads/forged/a.jpg", TestImages.Bytes("photo-cups.jpg"));
        var created = await environment.DeliverEventsAsync(client, 1);

        var forged = created.Single().Body.Replace("ObjectCreated:Put", "ObjectRemoved:Delete", StringComparison.Ordinal);
        Assert.Equal("source-still-exists", (await S3Environment.PostEventAsync(client, forged)).Single().Outcome);
        Assert.Contains($"processed/uploads/forged/a.jpg/{DefaultVariant}", await environment.ListAsync(environment.DestinationBucket));
    }

    [Fact]
    public async Task Keys_with_spaces_plus_signs_and_non_ascii_letters()
    {
        var environment = await fixture.CreateEnvironmentAsync();
        using var app = environment.CreateApp();
        var client = app.CreateClient();
        const string key = "uploads/names/my photo+1 Zürich 東京.jpg";
        await environment.PutOriginalAsync(key, TestImages.Bytes("photo-cups.jpg"));

        var events = await environment.DeliverEventsAsync(client, 1);
        Assert.Contains("my+photo%2B1+Z", events.Single().Body, StringComparison.Ordinal);
        Assert.Equal((key, "rendition-made"), (events.Single().Key, events.Single().Outcome));
        Assert.Contains($"processed/{key}/{DefaultVariant}", await environment.ListAsync(environment.DestinationBucket));

        var (_, _, info) = await client.GetImageAsync("/images/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString)) + "?w=64");
        Assert.Equal(64, info.Width);
    }

    [Theory]
    [InlineData("truncated.jpg", HttpStatusCode.UnprocessableEntity)]
    [InlineData("text.jpg", HttpStatusCode.UnsupportedMediaType)]
    public async Task Undecodable_original_is_logged_recorded_and_answered_without_downloading_again(string name, HttpStatusCode status)
    {
        var environment = await fixture.CreateEnvironmentAsync();
        using var app = environment.CreateApp();
        var client = app.CreateClient();
        var key = "uploads/bad/" + name;
        await environment.PutOriginalAsync(key, TestImages.Bytes(name));

        var events = await environment.DeliverEventsAsync(client, 1);
        Assert.Equal("rejected", events.Single().Outcome);
        Assert.Contains(app.Logs, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains(key, StringComparison.Ordinal));

        var read = app.OriginalBytesRead;
        await (await client.GetAsync($"/images/{key}?w=300")).ReadProblemAsync(status);
        Assert.Equal(read, app.OriginalBytesRead);

        // The same event again is already known.
        Assert.Equal("already-rejected", (await S3Environment.PostEventAsync(client, events.Single().Body)).Single().Outcome);
    }

    [Fact]
    public async Task Oversize_original_that_got_into_the_bucket_is_refused_from_its_length_without_a_byte_read()
    {
        var environment = await fixture.CreateEnvironmentAsync();
        using var app = environment.CreateApp(new Dictionary<string, string?> { ["Limits:MaxSourceBytes"] = "100000" });
        var client = app.CreateClient();
        await environment.PutOriginalAsync("uploads/big/photo.jpg", TestImages.Bytes("photo-cups.jpg"));

        var events = await environment.DeliverEventsAsync(client, 1);
        Assert.Equal("rejected", events.Single().Outcome);
        var problem = await (await client.GetAsync("/images/uploads/big/photo.jpg?w=10")).ReadProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("100000", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, app.OriginalBytesRead);
    }

    [Fact]
    public async Task Test_events_other_buckets_and_keys_outside_the_prefix_are_ignored()
    {
        var environment = await fixture.CreateEnvironmentAsync();
        using var app = environment.CreateApp();
        var client = app.CreateClient();

        var test = await client.PostAsync("/events", new StringContent("""{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-27T12:00:00.000Z","Bucket":"x","RequestId":"r","HostId":"h"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, test.StatusCode);

        await environment.PutOriginalAsync("elsewhere/a.jpg", TestImages.Bytes("photo-cups.jpg"));
        var outside = await environment.DeliverEventsAsync(client, 1);
        Assert.Equal("ignored-outside-prefix", outside.Single().Outcome);

        var otherBucket = outside.Single().Body.Replace(environment.SourceBucket, "someone-elses-bucket", StringComparison.Ordinal);
        Assert.Equal("ignored-other-bucket", (await S3Environment.PostEventAsync(client, otherBucket)).Single().Outcome);

        var hostile = outside.Single().Body.Replace("elsewhere%2Fa.jpg", "uploads%2F..%2F..%2Fetc%2Fpasswd", StringComparison.Ordinal).Replace("elsewhere/a.jpg", "uploads/../../etc/passwd", StringComparison.Ordinal);
        Assert.Equal("ignored-invalid-key", (await S3Environment.PostEventAsync(client, hostile)).Single().Outcome);

        Assert.Empty(await environment.ListAsync(environment.DestinationBucket));
        await (await client.PostAsync("/events", new StringContent("{not json", Encoding.UTF8, "application/json"))).ReadProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Conditional_create_lets_one_writer_win_and_the_loser_serves_the_winner()
    {
        var environment = await fixture.CreateEnvironmentAsync();
        await environment.PutOriginalAsync("uploads/race/a.jpg", TestImages.Bytes("photo-autumn.jpg"));
        using var one = environment.CreateApp();
        using var two = environment.CreateApp();
        var a = one.CreateClient();
        var b = two.CreateClient();

        var results = await Task.WhenAll(
            Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? a : b).GetImageAsync("/images/uploads/race/a.jpg?w=500&format=png")));

        Assert.Single(results.Select(r => r.Response.Headers.ETag!.Tag).Distinct());
        Assert.Single(results.Select(r => Convert.ToHexString(r.Bytes)).Distinct());
        Assert.Single(await environment.ListAsync(environment.DestinationBucket, "processed/uploads/race/a.jpg/w500"));
    }

    [Fact]
    public async Task S3_unreachable_is_503_with_retry_after_and_stores_nothing_then_recovers()
    {
        var environment = await fixture.CreateEnvironmentAsync();
        using var app = environment.CreateApp();
        var client = app.CreateClient();
        await environment.PutOriginalAsync("uploads/fault/a.jpg", TestImages.Bytes("photo-cups.jpg"));

        fixture.Proxy.Stop();
        try
        {
            var response = await client.GetAsync("/images/uploads/fault/a.jpg?w=321");
            await response.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);

            // An event that cannot be handled now is a 5xx, so Lambda retries it.
            var created = $$$$"""{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"{{{{environment.SourceBucket}}}}"},"object":{"key":"uploads/fault/a.jpg"}}}]}""";
            var eventResponse = await client.PostAsync("/events", new StringContent(created, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, eventResponse.StatusCode);
        }
        finally
        {
            fixture.Proxy.Start();
        }

        Assert.Empty(await environment.ListAsync(environment.DestinationBucket));
        var (_, _, info) = await client.GetImageAsync("/images/uploads/fault/a.jpg?w=321");
        Assert.Equal(321, info.Width);
    }

    [Fact]
    public async Task Renditions_too_big_for_a_lambda_response_are_a_302_to_a_presigned_get()
    {
        var environment = await fixture.CreateEnvironmentAsync();
        using var app = environment.CreateApp(new Dictionary<string, string?> { ["Delivery:RedirectAboveBytes"] = "20000" });
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await environment.PutOriginalAsync("uploads/large/a.jpg", TestImages.Bytes("photo-cups.jpg"));

        // Generated now, and over the threshold: redirected, and stored for the redirect to find.
        var response = await client.GetAsync("/images/uploads/large/a.jpg?w=1200&format=png");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal(fixture.Proxy.Port, location.Port);
        Assert.Contains("X-Amz-Signature=", location.Query, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(5), response.Headers.CacheControl?.MaxAge);

        using var http = new HttpClient();
        var followed = await http.GetByteArrayAsync(location);
        Assert.Equal(await environment.ReadAsync(environment.DestinationBucket, "processed/uploads/large/a.jpg/w1200-hauto-inside.png"), followed);
        Assert.Equal(("png", 1200), (Decoded.From(followed).Format, Decoded.From(followed).Width));

        // Stored and still too big: redirected again. Small renditions are served directly.
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/images/uploads/large/a.jpg?w=1200&format=png")).StatusCode);
        var (small, _, _) = await client.GetImageAsync("/images/uploads/large/a.jpg?w=40");
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
    }

    private static async Task<HttpResponseMessage> PutToS3Async(Ticket ticket, byte[] bytes)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, ticket.UploadUrl) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new(ticket.Headers["Content-Type"]);
        request.Headers.TryAddWithoutValidation("If-None-Match", ticket.Headers["If-None-Match"]);
        return await http.SendAsync(request);
    }
}
