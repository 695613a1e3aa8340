using Amazon.SQS.Model;
using ImageApi.Tests.Http;
using ImageApi.Storage;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Events;

/// <summary>
/// What an S3 ObjectCreated event costs S3, request by request: every decision is still taken from what
/// storage holds, but each thing is read once (on moto, each request is latency and moto's CPU).
/// </summary>
[Collection(S3Collection.Name)]
public sealed class SourceEventRequestsTests(S3Fixture fixture)
{
    private const string DefaultVariant = "w800-h800-inside-q80.webp";

    [Fact]
    public async Task A_new_original_costs_one_get_of_it_one_get_of_its_record_and_the_two_puts_at_once()
    {
        var environment = await fixture.CreateEnvironmentAsync();
        using var factory = environment.CreateApp();
        var calls = new StorageCalls();
        const string key = "uploads/calls/new.jpg";
        var record = $"processed/{key}/_source.json";
        var rendition = $"processed/{key}/{DefaultVariant}";

        // The rendition's PUT is held until the record's has gone out: written one after the other, it would wait forever.
        var recordSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        calls.BeforePut = put =>
        {
            if (put == record)
            {
                recordSent.TrySetResult();
                return Task.CompletedTask;
            }

            return put == rendition ? recordSent.Task.WaitAsync(TimeSpan.FromSeconds(30)) : Task.CompletedTask;
        };
        using var app = factory.Counting(calls);
        var client = app.CreateClient();
        await environment.PutOriginalAsync(key, TestImages.Bytes("photo-cups.jpg"));

        var events = await environment.DeliverEventsAsync(client, 1);

        Assert.Equal("rendition-made", events.Single().Outcome);
        var all = calls.All;
        Assert.Equal(4, all.Count);

        // The two reads go out together, and so do the two writes, each pair in either order.
        Assert.Equal([$"destination GET {record}", $"source GET {key}"], all.Take(2).Order(StringComparer.Ordinal));
        Assert.Equal([$"destination PUT {record}", $"destination PUT {rendition}"], all.Skip(2).Order(StringComparer.Ordinal));
        Assert.NotNull(await environment.ReadAsync(environment.DestinationBucket, rendition));
        Assert.NotNull(await environment.ReadAsync(environment.DestinationBucket, record));
    }

    [Fact]
    public async Task A_repeated_event_reads_no_byte_of_the_original_and_writes_nothing()
    {
        var environment = await fixture.CreateEnvironmentAsync();
        using var factory = environment.CreateApp();
        var calls = new StorageCalls();
        using var app = factory.Counting(calls);
        var client = app.CreateClient();
        const string key = "uploads/calls/again.jpg";
        await environment.PutOriginalAsync(key, TestImages.Bytes("photo-autumn.jpg"));
        var first = await environment.DeliverEventsAsync(client, 1);
        Assert.Equal("rendition-made", first.Single().Outcome);
        var read = factory.OriginalBytesRead;
        Assert.True(read > 0);
        calls.Clear();

        var again = await S3Environment.PostEventAsync(client, first.Single().Body);

        Assert.Equal("already-done", again.Single().Outcome);
        Assert.Equal(read, factory.OriginalBytesRead);
        Assert.DoesNotContain(calls.All, c => c.Contains(" PUT ", StringComparison.Ordinal) || c.Contains(" DELETE ", StringComparison.Ordinal));
        Assert.Equal([$"destination GET processed/{key}/_source.json", $"destination HEAD processed/{key}/{DefaultVariant}", $"source GET {key}"], calls.All.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_retried_event_whose_rendition_is_missing_makes_it_from_the_same_reads()
    {
        var environment = await fixture.CreateEnvironmentAsync();
        using var factory = environment.CreateApp();
        var calls = new StorageCalls();
        using var app = factory.Counting(calls);
        var client = app.CreateClient();
        const string key = "uploads/calls/retried.jpg";
        await environment.PutOriginalAsync(key, TestImages.Bytes("photo-cups.jpg"));
        var first = await environment.DeliverEventsAsync(client, 1);
        var rendition = $"processed/{key}/{DefaultVariant}";
        var made = await environment.ReadAsync(environment.DestinationBucket, rendition);
        Assert.NotNull(made);

        // The record says "done", but the rendition is gone (deleted by hand, or a lost write): the event makes it again.
        await fixture.S3.DeleteObjectAsync(environment.DestinationBucket, rendition);
        calls.Clear();
        var again = await S3Environment.PostEventAsync(client, first.Single().Body);

        Assert.Equal("rendition-made", again.Single().Outcome);
        Assert.Equal(made, await environment.ReadAsync(environment.DestinationBucket, rendition));
        Assert.Single(calls.All, $"source GET {key}");
        Assert.Single(calls.All, $"destination GET processed/{key}/_source.json");
        Assert.DoesNotContain(calls.All, c => c.StartsWith("source HEAD", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_event_whose_rendition_put_failed_beside_its_record_is_retried_and_the_retry_makes_it()
    {
        var environment = await fixture.CreateEnvironmentAsync();
        using var factory = environment.CreateApp();
        var calls = new StorageCalls();
        const string key = "uploads/calls/put-failed.jpg";
        var rendition = $"processed/{key}/{DefaultVariant}";
        var failures = 0;
        calls.BeforePut = put => put == rendition && Interlocked.Increment(ref failures) == 1
            ? Task.FromException(new StorageUnavailableException("destination", "the test fails this PUT"))
            : Task.CompletedTask;
        using var app = factory.Counting(calls);
        var client = app.CreateClient();
        await environment.PutOriginalAsync(key, TestImages.Bytes("photo-cups.jpg"));
        var body = await ReceiveEventForAsync(environment, key);

        var failed = await client.PostAsync("/events", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        // Told to retry; the record went out beside the failed PUT and says "done", which the retry must not believe.
        Assert.False(failed.IsSuccessStatusCode, await failed.Content.ReadAsStringAsync());
        Assert.Null(await environment.ReadAsync(environment.DestinationBucket, rendition));
        Assert.NotNull(await environment.ReadAsync(environment.DestinationBucket, $"processed/{key}/_source.json"));

        var retried = await S3Environment.PostEventAsync(client, body);

        Assert.Equal("rendition-made", retried.Single().Outcome);
        Assert.NotNull(await environment.ReadAsync(environment.DestinationBucket, rendition));
    }

    // The bucket's notifications also carry S3's test event, which holds no record.
    private async Task<string> ReceiveEventForAsync(S3Environment environment, string key)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var received = await fixture.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = environment.QueueUrl, MaxNumberOfMessages = 10, WaitTimeSeconds = 1 });
            foreach (var message in received.Messages ?? [])
            {
                await fixture.Sqs.DeleteMessageAsync(environment.QueueUrl, message.ReceiptHandle);
                if (message.Body.Contains(Path.GetFileName(key), StringComparison.Ordinal)) // the key itself arrives URL-encoded
                {
                    return message.Body;
                }
            }
        }

        throw new Xunit.Sdk.XunitException($"no ObjectCreated event for {key} arrived");
    }
}
