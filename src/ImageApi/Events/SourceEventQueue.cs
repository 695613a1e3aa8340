using System.Collections.Concurrent;
using System.Threading.Channels;

namespace ImageApi.Events;

/// <summary>
/// The embedded mode's stand-in for S3 event notifications: uploads publish here, and
/// <see cref="SourceEventWorker"/> hands each event to the same handler <c>POST /events</c> uses.
/// </summary>
/// <remarks>
/// Every event is first written to the journal (<see cref="PendingEvents"/>), then offered to a
/// bounded channel. Publishing never waits: when the channel is full the event stays in the journal
/// only, and the workers read the journal again once they have emptied the channel. The same
/// re-read at start-up gives a restarted process the events its predecessor had not handled.
/// </remarks>
public sealed class SourceEventQueue(PendingEvents journal, int capacity)
{
    private readonly Channel<SourceEvent> _channel = Channel.CreateBounded<SourceEvent>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Journal entries now in the channel or being handled, so a re-read does not queue them twice.</summary>
    private readonly ConcurrentDictionary<string, byte> _queued = new(StringComparer.Ordinal);

    private volatile bool _overflowed;

    public int Capacity => capacity;

    /// <summary>Records the event and queues it; returns at once whatever the queue holds.</summary>
    public void Publish(SourceEvent sourceEvent) => Offer(journal.Add(sourceEvent), sourceEvent);

    /// <summary>Queues what the journal holds and the channel does not (at start-up, and after an overflow).</summary>
    internal void Recover()
    {
        _overflowed = false;
        foreach (var sourceEvent in journal.ReadAll())
        {
            if (!Offer(PendingEvents.NameOf(sourceEvent), sourceEvent))
            {
                break;
            }
        }
    }

    /// <summary>Whether events were left in the journal only, because the channel was full.</summary>
    internal bool Overflowed => _overflowed;

    internal ChannelReader<SourceEvent> Reader => _channel.Reader;

    /// <summary>The event was handled (or dropped after its retries): it leaves the journal.</summary>
    internal void Complete(SourceEvent sourceEvent)
    {
        journal.Remove(sourceEvent);
        _queued.TryRemove(PendingEvents.NameOf(sourceEvent), out _);
    }

    /// <returns>False when the channel was full.</returns>
    private bool Offer(string name, SourceEvent sourceEvent)
    {
        if (!_queued.TryAdd(name, 0))
        {
            return true;
        }

        if (_channel.Writer.TryWrite(sourceEvent))
        {
            return true;
        }

        _queued.TryRemove(name, out _);
        _overflowed = true;
        return false;
    }
}
