using ImageApi.Events;
using ImageApi.Processing.Naming;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageApi.Tests.Events;

public sealed class SourceEventQueueTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "imageapi-queue-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void A_full_queue_keeps_the_event_in_the_journal_and_hands_it_out_after_recovery()
    {
        var journal = new PendingEvents(_folder, NullLogger<PendingEvents>.Instance);
        var queue = new SourceEventQueue(journal, capacity: 1);
        var events = Enumerable.Range(0, 3).Select(i => SourceEvent.Created(SourceKey.Parse($"uploads/{i}.jpg"), $"etag-{i}")).ToArray();
        foreach (var e in events)
        {
            queue.Publish(e); // never waits, even when the channel is full
        }

        Assert.True(queue.Overflowed);
        Assert.Equal(3, journal.ReadAll().Count);

        var handed = new List<SourceEvent>();
        while (handed.Count < 3)
        {
            if (queue.Reader.TryRead(out var e))
            {
                handed.Add(e);
                queue.Complete(e);
            }
            else
            {
                Assert.True(queue.Overflowed, "events left in the journal only must be announced");
                queue.Recover();
            }
        }

        Assert.Equal(events.ToHashSet(), handed.ToHashSet());
        Assert.Empty(journal.ReadAll());
        Assert.False(queue.Reader.TryRead(out _));
    }

    [Fact]
    public void Recovery_does_not_queue_an_event_twice()
    {
        var journal = new PendingEvents(_folder, NullLogger<PendingEvents>.Instance);
        var queue = new SourceEventQueue(journal, capacity: 10);
        var e = SourceEvent.Created(SourceKey.Parse("uploads/a.jpg"), "etag");
        queue.Publish(e);
        queue.Recover();
        Assert.True(queue.Reader.TryRead(out var first));
        queue.Recover(); // still being handled: not queued again
        Assert.False(queue.Reader.TryRead(out _));
        Assert.Equal(e, first);
    }

    [Fact]
    public void A_new_process_finds_what_the_last_one_left()
    {
        var e = SourceEvent.Created(SourceKey.Parse("uploads/a.jpg"), "etag");
        new SourceEventQueue(new PendingEvents(_folder, NullLogger<PendingEvents>.Instance), 10).Publish(e);

        var restarted = new SourceEventQueue(new PendingEvents(_folder, NullLogger<PendingEvents>.Instance), 10);
        restarted.Recover();
        Assert.True(restarted.Reader.TryRead(out var found));
        Assert.Equal(e, found);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
