using System.Threading.Channels;

namespace ImageApi.Events;

/// <summary>
/// The embedded mode's stand-in for S3 event notifications: uploads publish here, and
/// <see cref="SourceEventWorker"/> hands each event to the same handler <c>POST /events</c> uses.
/// </summary>
public sealed class SourceEventQueue
{
    private readonly Channel<SourceEvent> _channel = Channel.CreateUnbounded<SourceEvent>(new UnboundedChannelOptions { SingleReader = true });

    public ValueTask PublishAsync(SourceEvent sourceEvent, CancellationToken cancellationToken) =>
        _channel.Writer.WriteAsync(sourceEvent, cancellationToken);

    internal ChannelReader<SourceEvent> Reader => _channel.Reader;
}
