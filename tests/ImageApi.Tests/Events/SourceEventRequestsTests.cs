using ImageApi.Tests.Http;
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
    public async Task A_new_original_costs_one_get_of_it_one_get_of_its_record_and_the_two_puts_rendition_first()
    {
        var environment = await fixture.CreateEnvironmentAsync();
        using var factory = environment.CreateApp();
        var calls = new StorageCalls();
        using var app = factory.Counting(calls);
        var client = app.CreateClient();
        const string key = "uploads/calls/new.jpg";
        var record = $"processed/{key}/_source.json";
        await environment.PutOriginalAsync(key, TestImages.Bytes("photo-cups.jpg"));

        var events = await environment.DeliverEventsAsync(client, 1);

        Assert.Equal("rendition-made", events.Single().Outcome);
        var all = calls.All;
        Assert.Equal(4, all.Count);

        // The two reads go out together, in either order; the record is written only after the rendition.
        Assert.Equal([$"destination GET {record}", $"source GET {key}"], all.Take(2).Order(StringComparer.Ordinal));
        Assert.Equal([$"destination PUT processed/{key}/{DefaultVariant}", $"destination PUT {record}"], all.Skip(2));
        Assert.NotNull(await environment.ReadAsync(environment.DestinationBucket, $"processed/{key}/{DefaultVariant}"));
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
}
