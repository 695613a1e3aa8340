using System.Net;
using Amazon.S3.Model;
using ImageApi.Processing.Formats;
using ImageApi.Processing.Transforms;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.S3;

/// <summary>
/// A watermark read from S3 (moto, over HTTP) with the service's own S3 client: it marks what the upload
/// event makes and what requests make, the 302's object included; a new ETag renames every rendition;
/// a mark that cannot be read stops covered renditions with a clear 503, never an unmarked image.
/// </summary>
[Collection(S3Collection.Name)]
public sealed class S3WatermarkTests(S3Fixture fixture)
{
    private const string Original = "uploads/wm/a.jpg";

    private async Task<(S3Environment Environment, string Bucket)> CreateAsync()
    {
        var environment = await fixture.CreateEnvironmentAsync();
        var bucket = "marks-" + Guid.NewGuid().ToString("N")[..12];
        await fixture.S3.PutBucketAsync(bucket);
        return (environment, bucket);
    }

    private Task<PutObjectResponse> PutMarkAsync(string bucket, byte[] bytes) =>
        fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "mark.png", InputStream = new MemoryStream(bytes), ContentType = "image/png" });

    private static RenditionSpec Spec(int width, OutputFormat format) => new(width, null, FitMode.Inside, format, format.IsLossy ? 80 : null);

    [Fact]
    public async Task The_mark_from_s3_covers_upload_and_requests_and_a_new_etag_renames_every_rendition()
    {
        var (environment, bucket) = await CreateAsync();
        await PutMarkAsync(bucket, Watermarking.RedMark());
        using var app = environment.CreateApp(Watermarking.With($"s3://{bucket}/mark.png"));
        var client = app.CreateClient();
        var photo = TestImages.Bytes("photo-cups.jpg");

        await environment.PutOriginalAsync(Original, photo);
        var events = await environment.DeliverEventsAsync(client, 1);
        Assert.Contains(events, e => e.Key == Original && e.Outcome == "rendition-made");
        var made = await environment.ListAsync(environment.DestinationBucket, $"processed/{Original}/");
        var defaultKey = Assert.Single(made, k => k.Contains("/w800-h800-inside-q80-wm", StringComparison.Ordinal));
        var defaults = new RenditionDefaults();
        Watermarking.AssertMarked(Decoded.From((await environment.ReadAsync(environment.DestinationBucket, defaultKey))!),
            Watermarking.Unmarked(app, photo, TransformRequest.Default(defaults).Resolve(defaults)), "default rendition on S3");

        var (_, redBytes, red) = await client.GetImageAsync($"/images/{Original}?w=400");
        Watermarking.AssertMarked(red, Watermarking.Unmarked(app, photo, Spec(400, OutputFormats.Webp)), "w=400 on S3");
        var oldKeys = (await environment.ListAsync(environment.DestinationBucket, $"processed/{Original}/")).Where(k => k.Contains("-wm", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, oldKeys.Count);

        // The operator puts a new mark at the same key: the next request reads it (new ETag) and names renditions by it.
        await PutMarkAsync(bucket, Watermarking.BlueMark());
        var (_, blueBytes, blue) = await client.GetImageAsync($"/images/{Original}?w=400");
        Assert.NotEqual(redBytes, blueBytes);
        var region = Watermarking.MarkRegion(blue.Width, blue.Height);
        Assert.True(blue[region.Left + (region.Width / 2), region.Top + (region.Height / 2)] is { B: > 190, R: < 70 }, "the new mark is blue");
        var now = await environment.ListAsync(environment.DestinationBucket, $"processed/{Original}/");
        Assert.Empty(now.Intersect(oldKeys));
        Assert.Contains(app.Logs, l => l.Contains($"Watermark s3://{bucket}/mark.png", StringComparison.Ordinal) && l.Contains("loaded", StringComparison.Ordinal));

        // The default rendition too: made again with the new mark, the old one gone.
        var oldDefault = await environment.ReadAsync(environment.DestinationBucket, defaultKey);
        Assert.Null(oldDefault);
        var (_, _, plain) = await client.GetImageAsync($"/images/{Original}");
        var corner = Watermarking.MarkRegion(plain.Width, plain.Height);
        Assert.True(plain[corner.Left + (corner.Width / 2), corner.Top + (corner.Height / 2)] is { B: > 190, R: < 70 }, "the default rendition carries the new mark");
        Assert.Contains(await environment.ListAsync(environment.DestinationBucket, $"processed/{Original}/"), k => k.Contains("/w800-h800-inside-q80-wm", StringComparison.Ordinal) && k != defaultKey);
    }

    [Fact]
    public async Task The_object_a_302_points_at_is_marked()
    {
        var (environment, bucket) = await CreateAsync();
        await PutMarkAsync(bucket, Watermarking.RedMark());
        var settings = Watermarking.With($"s3://{bucket}/mark.png");
        settings["Delivery:RedirectAboveBytes"] = "20000";
        using var app = environment.CreateApp(settings);
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var photo = TestImages.Bytes("photo-cups.jpg");
        await environment.PutOriginalAsync(Original, photo);

        var response = await client.GetAsync($"/images/{Original}?w=1200&format=png");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("-wm", response.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
        using var http = new HttpClient();
        var followed = Decoded.From(await http.GetByteArrayAsync(response.Headers.Location));
        Watermarking.AssertMarked(followed, Watermarking.Unmarked(app, photo, Spec(1200, OutputFormats.Png)), "the redirect's object");
    }

    [Fact]
    public async Task A_mark_that_cannot_be_read_or_used_is_a_clear_503_and_nothing_unmarked_is_served()
    {
        var (environment, bucket) = await CreateAsync();
        using var app = environment.CreateApp(Watermarking.With($"s3://{bucket}/mark.png"));
        var client = app.CreateClient();
        await environment.PutOriginalAsync(Original, TestImages.Bytes("photo-cups.jpg"));

        var missing = await (await client.GetAsync($"/images/{Original}?w=400")).ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("urn:imageapi:problem:watermark-unavailable", missing.GetProperty("type").GetString());
        Assert.Contains("Watermarks:Image does not exist", missing.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains(app.Logs, l => l.Contains($"Watermarks:Image s3://{bucket}/mark.png does not exist", StringComparison.Ordinal));

        await PutMarkAsync(bucket, TestImages.Bytes("photo-cups.jpg"));
        var notPng = await (await client.GetAsync($"/images/{Original}")).ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("Watermarks:Image is not a PNG or WebP (it is JPEG)", notPng.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The upload event is retried (5xx) rather than making an unmarked default rendition.
        var messages = await fixture.Sqs.ReceiveMessageAsync(new Amazon.SQS.Model.ReceiveMessageRequest { QueueUrl = environment.QueueUrl, MaxNumberOfMessages = 10, WaitTimeSeconds = 5 });
        var eventBody = messages.Messages.Select(m => m.Body).Single(b => b.Contains("ObjectCreated", StringComparison.Ordinal));
        var posted = await client.PostAsync("/events", new StringContent(eventBody, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, posted.StatusCode);
        Assert.DoesNotContain(await environment.ListAsync(environment.DestinationBucket, $"processed/{Original}/"), k => !k.EndsWith("/_source.json", StringComparison.Ordinal));

        // Fixed: served, marked.
        await PutMarkAsync(bucket, Watermarking.RedMark());
        var (_, _, info) = await client.GetImageAsync($"/images/{Original}?w=400");
        Assert.Equal(400, info.Width);
    }
}
