using System.Diagnostics.Metrics;
using ImageApi.Configuration;
using ImageApi.Images;
using ImageApi.Storage;
using Microsoft.Extensions.Options;

namespace ImageApi.Events;

/// <summary>
/// Processes the embedded mode's upload events in the background, <see cref="EventsOptions.Workers"/>
/// at a time. Transient failures are retried with back-off, as Lambda would retry an S3 event;
/// whatever still fails is logged as an error. An event being handled when the process stops stays
/// in the journal and is handled after the restart.
/// </summary>
public sealed partial class SourceEventWorker(
    IServiceProvider services,
    IOptions<StorageOptions> storage,
    IOptions<EventsOptions> options,
    IMeterFactory meters,
    ILogger<SourceEventWorker> logger) : BackgroundService
{
    public const string InProgressInstrument = "imageapi.events.in_progress";

    private static readonly TimeSpan[] Backoff = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)];

    private readonly UpDownCounter<int> _inProgress = meters.Create(RenditionMetrics.MeterName)
        .CreateUpDownCounter<int>(InProgressInstrument, "{event}", "Upload events of the folder store being handled now.");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // With S3, events come from S3 to POST /events; nothing publishes here.
        if (storage.Value.Provider != StorageProvider.File)
        {
            return;
        }

        var queue = services.GetRequiredService<SourceEventQueue>();
        var handler = services.GetRequiredService<SourceEventHandler>();

        // Off the host's start-up path: reading a long journal must not delay the first request.
        await Task.Yield();
        queue.Recover();
        var workers = Enumerable.Range(0, options.Value.EffectiveWorkers).Select(_ => Task.Run(() => WorkAsync(queue, handler, stoppingToken), stoppingToken));
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    private async Task WorkAsync(SourceEventQueue queue, SourceEventHandler handler, CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                if (!queue.Reader.TryRead(out var sourceEvent))
                {
                    if (queue.Overflowed)
                    {
                        queue.Recover();
                        continue;
                    }

                    await queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false);
                    continue;
                }

                _inProgress.Add(1);
                try
                {
                    if (await HandleWithRetriesAsync(handler, sourceEvent, stoppingToken).ConfigureAwait(false))
                    {
                        queue.Complete(sourceEvent);
                    }
                }
                finally
                {
                    _inProgress.Add(-1);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is left stays in the journal.
        }
    }

    /// <returns>False when stopping interrupted it (the event stays in the journal).</returns>
    private async Task<bool> HandleWithRetriesAsync(SourceEventHandler handler, SourceEvent sourceEvent, CancellationToken stoppingToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await handler.HandleAsync(sourceEvent, stoppingToken).ConfigureAwait(false);
                return true;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return false;
            }
            catch (StorageUnavailableException ex) when (attempt < Backoff.Length)
            {
                LogRetrying(logger, sourceEvent.Kind, sourceEvent.Key.Value, Backoff[attempt], ex);
                await Task.Delay(Backoff[attempt], stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogFailed(logger, sourceEvent.Kind, sourceEvent.Key.Value, attempt + 1, ex);
                return true;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} event for {Key} failed; retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, SourceEventKind kind, string key, TimeSpan delay, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Kind} event for {Key} failed after {Attempts} attempts and is dropped")]
    private static partial void LogFailed(ILogger logger, SourceEventKind kind, string key, int attempts, Exception exception);
}
