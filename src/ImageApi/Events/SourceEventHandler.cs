using ImageApi.Images;
using ImageApi.Problems;
using ImageApi.Processing.Limits;
using ImageApi.Processing.Naming;
using ImageApi.Storage;

namespace ImageApi.Events;

/// <summary>
/// What the service does when an original arrives or goes: make its default rendition, or delete
/// all of its renditions. Called for the embedded mode's own uploads and, in AWS, for S3 events.
/// Every decision is taken from what storage holds now, not from what the event says, so
/// duplicate, late or forged events cannot do harm.
/// </summary>
public sealed partial class SourceEventHandler(
    ObjectStores stores,
    Originals originals,
    SourceRecords records,
    RenditionService renditions,
    WatermarkPolicies watermarks,
    Delivery.IEdgeCache edge,
    ILogger<SourceEventHandler> logger)
{
    /// <returns>What was done. Transient failures (storage unreachable) are thrown so the caller retries.</returns>
    public Task<SourceEventOutcome> HandleAsync(SourceEvent sourceEvent, CancellationToken cancellationToken) => sourceEvent.Kind switch
    {
        SourceEventKind.Created => CreatedAsync(sourceEvent, cancellationToken),
        SourceEventKind.Removed => RemovedAsync(sourceEvent, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(sourceEvent)),
    };

    private async Task<SourceEventOutcome> CreatedAsync(SourceEvent sourceEvent, CancellationToken cancellationToken)
    {
        var key = sourceEvent.Key;
        var (opened, record) = await OpenWithRecordAsync(key, cancellationToken).ConfigureAwait(false);
        if (opened is null)
        {
            LogGone(logger, key.Value);
            return SourceEventOutcome.SourceGone;
        }

        await using (opened.ConfigureAwait(false))
        {
            return await CreatedAsync(key, opened, record, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <param name="opened">The original as stored now, opened by the GET that also gave its metadata; read only when a rendition is made.</param>
    /// <param name="record">Its record, read beside it.</param>
    private async Task<SourceEventOutcome> CreatedAsync(SourceKey key, StoredObject opened, SourceRecord? record, CancellationToken cancellationToken)
    {
        var original = opened.Info;
        var focalPoint = FocalPoints.Of(original)?.ToString();
        if (record?.ETag == original.ETag)
        {
            // A repeated delivery, or a version already handled.
            if (record.Rejection is not null)
            {
                return SourceEventOutcome.AlreadyRejected;
            }

            if (record.FocalPoint != focalPoint)
            {
                // The same bytes with a new focal point (PUT /images/{key}/focal-point): only what the old point cut is stale.
                var stale = await renditions.DeleteCutWithFocalPointAsync(key, cancellationToken).ConfigureAwait(false);
                await edge.InvalidateAsync(key, cancellationToken).ConfigureAwait(false);
                await records.WriteAsync(key, record with { FocalPoint = focalPoint }, cancellationToken).ConfigureAwait(false);
                LogFocalPointChanged(logger, key.Value, record.FocalPoint ?? "none", focalPoint ?? "none", stale);
                return SourceEventOutcome.FocalPointChanged;
            }

            return await renditions.EnsureDefaultAsync(key, opened, record, cancellationToken).ConfigureAwait(false)
                ? SourceEventOutcome.RenditionMade
                : SourceEventOutcome.AlreadyDone;
        }

        if (record is not null)
        {
            // Overwritten: renditions of the old version must not be served for the new one.
            var deleted = await renditions.DeleteAllAsync(key, cancellationToken).ConfigureAwait(false);

            // Before the new record is written: if this fails, the retried event does it again.
            await edge.InvalidateAsync(key, cancellationToken).ConfigureAwait(false);
            LogReplaced(logger, key.Value, record.ETag, original.ETag, deleted);
        }

        var watermark = await watermarks.FingerprintForAsync(key, cancellationToken).ConfigureAwait(false);
        try
        {
            // The old record went with the old renditions.
            await renditions.PrepareAsync(key, opened, record: null,
                (facts, token) => records.WriteAsync(key, new SourceRecord(original.ETag, null, null, facts, focalPoint, watermark), token),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ImageRejectedException or SourceNotFoundException)
        {
            // Permanent: retrying cannot help. The refusal is recorded beside the renditions, so a
            // later GET answers it at once.
            LogRejected(logger, key.Value, ex.GetType().Name, ex.Message);
            return SourceEventOutcome.Rejected;
        }

        LogCreated(logger, key.Value, original.ETag);
        return record is null ? SourceEventOutcome.RenditionMade : SourceEventOutcome.RenditionReplaced;
    }

    /// <summary>
    /// The original and its record, both as storage holds them now, read at the same time: the GET
    /// of the original also says whether it exists and gives its metadata, so no HEAD goes before it.
    /// </summary>
    private async Task<(StoredObject? Original, SourceRecord? Record)> OpenWithRecordAsync(SourceKey key, CancellationToken cancellationToken)
    {
        var opening = originals.OpenAsync(key, cancellationToken);
        var reading = records.ReadAsync(key, cancellationToken);
        try
        {
            await Task.WhenAll(opening, reading).ConfigureAwait(false);
        }
        catch
        {
            if (opening.IsCompletedSuccessfully && opening.Result is { } opened)
            {
                await opened.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        return (opening.Result, reading.Result);
    }

    private async Task<SourceEventOutcome> RemovedAsync(SourceEvent sourceEvent, CancellationToken cancellationToken)
    {
        var key = sourceEvent.Key;
        if (await stores.Source.HeadAsync(key.Value, cancellationToken).ConfigureAwait(false) is not null)
        {
            // Uploaded again since (its own Created event follows), or an event that did not come from S3.
            LogStillThere(logger, key.Value);
            return SourceEventOutcome.SourceStillExists;
        }

        var deleted = await renditions.DeleteAllAsync(key, cancellationToken).ConfigureAwait(false);
        await edge.InvalidateAsync(key, cancellationToken).ConfigureAwait(false);
        LogRemoved(logger, key.Value, deleted);
        return SourceEventOutcome.RenditionsDeleted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Original {Key} (ETag {ETag}) arrived; default rendition made")]
    private static partial void LogCreated(ILogger logger, string key, string etag);

    [LoggerMessage(Level = LogLevel.Information, Message = "Original {Key} was replaced ({OldETag} → {NewETag}); {Deleted} stale renditions deleted")]
    private static partial void LogReplaced(ILogger logger, string key, string oldETag, string newETag, int deleted);

    [LoggerMessage(Level = LogLevel.Information, Message = "Focal point of {Key} changed from {Old} to {New}; {Deleted} renditions cut with the old one deleted")]
    private static partial void LogFocalPointChanged(ILogger logger, string key, string old, string @new, int deleted);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Original {Key} rejected, no default rendition: {Reason}: {Detail}")]
    private static partial void LogRejected(ILogger logger, string key, string reason, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Original {Key} removed; {Deleted} renditions deleted")]
    private static partial void LogRemoved(ILogger logger, string key, int deleted);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created event for {Key}, but the original is gone; nothing to do")]
    private static partial void LogGone(ILogger logger, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed event for {Key}, but the original exists; renditions kept")]
    private static partial void LogStillThere(ILogger logger, string key);
}

public enum SourceEventOutcome
{
    RenditionMade,
    RenditionReplaced,
    FocalPointChanged,
    AlreadyDone,
    Rejected,
    AlreadyRejected,
    RenditionsDeleted,
    SourceGone,
    SourceStillExists,
}
