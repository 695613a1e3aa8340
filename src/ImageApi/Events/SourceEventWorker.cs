using ImageApi.Storage;

namespace ImageApi.Events;

/// <summary>
/// Processes the embedded mode's upload events in the background. Transient failures are retried
/// with back-off, as Lambda would retry an S3 event; whatever still fails is logged as an error.
/// </summary>
public sealed partial class SourceEventWorker(SourceEventQueue queue, SourceEventHandler handler, ILogger<SourceEventWorker> logger) : BackgroundService
{
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var sourceEvent in queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            await HandleWithRetriesAsync(sourceEvent, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task HandleWithRetriesAsync(SourceEvent sourceEvent, CancellationToken stoppingToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await handler.HandleAsync(sourceEvent, stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (StorageUnavailableException ex) when (attempt < Backoff.Length)
            {
                LogRetrying(logger, sourceEvent.Kind, sourceEvent.Key.Value, Backoff[attempt], ex);
                await Task.Delay(Backoff[attempt], stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, sourceEvent.Kind, sourceEvent.Key.Value, attempt + 1, ex);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} event for {Key} failed; retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, SourceEventKind kind, string key, TimeSpan delay, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Kind} event for {Key} failed after {Attempts} attempts and is dropped")]
    private static partial void LogFailed(ILogger logger, SourceEventKind kind, string key, int attempts, Exception exception);
}
