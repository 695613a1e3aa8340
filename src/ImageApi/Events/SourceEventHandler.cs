using ImageApi.Images;
using ImageApi.Problems;
using ImageApi.Processing.Limits;
using ImageApi.Processing.Transforms;
using Microsoft.Extensions.Options;

namespace ImageApi.Events;

/// <summary>
/// What the service does when an original arrives or goes: make its default rendition, or delete
/// all of its renditions. Called for the embedded mode's own uploads and, in AWS, for S3 events.
/// </summary>
public sealed partial class SourceEventHandler(RenditionService renditions, IOptions<RenditionDefaults> defaults, ILogger<SourceEventHandler> logger)
{
    /// <returns>The outcome; transient failures (storage unreachable) are thrown so the caller can retry.</returns>
    public async Task<SourceEventOutcome> HandleAsync(SourceEvent sourceEvent, CancellationToken cancellationToken)
    {
        switch (sourceEvent.Kind)
        {
            case SourceEventKind.Created:
                try
                {
                    var made = await renditions.EnsureAsync(sourceEvent.Key, TransformRequest.Default(defaults.Value), cancellationToken).ConfigureAwait(false);
                    LogCreated(logger, sourceEvent.Key.Value, made);
                    return made ? SourceEventOutcome.RenditionMade : SourceEventOutcome.AlreadyDone;
                }
                catch (Exception ex) when (ex is ImageRejectedException or SourceNotFoundException)
                {
                    // Permanent: retrying cannot help. Logged with the key and the reason.
                    LogRejected(logger, sourceEvent.Key.Value, ex.GetType().Name, ex.Message);
                    return SourceEventOutcome.Rejected;
                }

            case SourceEventKind.Removed:
                var deleted = await renditions.DeleteAllAsync(sourceEvent.Key, cancellationToken).ConfigureAwait(false);
                LogRemoved(logger, sourceEvent.Key.Value, deleted);
                return SourceEventOutcome.RenditionsDeleted;

            default:
                throw new ArgumentOutOfRangeException(nameof(sourceEvent));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Original {Key} arrived; default rendition made: {Made}")]
    private static partial void LogCreated(ILogger logger, string key, bool made);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Original {Key} rejected, no default rendition: {Reason}: {Detail}")]
    private static partial void LogRejected(ILogger logger, string key, string reason, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Original {Key} removed; {Deleted} renditions deleted")]
    private static partial void LogRemoved(ILogger logger, string key, int deleted);
}

public enum SourceEventOutcome
{
    RenditionMade,
    AlreadyDone,
    Rejected,
    RenditionsDeleted,
}
