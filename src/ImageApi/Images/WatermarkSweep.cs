using ImageApi.Processing.Naming;
using ImageApi.Storage;

namespace ImageApi.Images;

/// <summary>
/// Deletes, lazily, the renditions of one original made under another watermark than the current one:
/// once the original's record shows another fingerprint, on the next rendition made for it (a request
/// or an upload event). They are never served again either way (their names carry the old fingerprint);
/// this only gives their storage, and their places under <c>Limits:MaxRenditionsPerOriginal</c>, back.
/// </summary>
public sealed partial class WatermarkSweep(RenditionFiles files, SourceRecords records, ILogger<WatermarkSweep> logger)
{
    /// <returns>The record as it is now (with the current fingerprint when it was swept).</returns>
    /// <remarks>
    /// Only a record of the version stored now is swept and rewritten: a record of an older version is the
    /// upload event's to handle, which deletes every rendition of it.
    /// </remarks>
    public async Task<SourceRecord?> SweepAsync(SourceKey source, SourceRecord? record, ObjectInfo head, string? current, CancellationToken cancellationToken)
    {
        if (record is null || record.Rejection is not null || record.ETag != head.ETag || record.Watermark == current)
        {
            return record;
        }

        var stale = await files.DeleteAsync(source, k => !RenditionKey.IsServiceFile(k) && RenditionKey.WatermarkOf(k) != current, cancellationToken).ConfigureAwait(false);

        var swept = record with { Watermark = current };
        await records.WriteAsync(source, swept, cancellationToken).ConfigureAwait(false);
        LogSwept(logger, source.Value, record.Watermark ?? "none", current ?? "none", stale.Count);
        return swept;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Watermark of {Key} changed ({Old} → {New}); {Deleted} renditions made with the old one deleted")]
    private static partial void LogSwept(ILogger logger, string key, string old, string @new, int deleted);
}
