using ImageApi.Problems;
using ImageApi.Processing.Limits;
using ImageApi.Processing.Naming;
using ImageApi.Storage;

namespace ImageApi.Images;

/// <summary>
/// Refusals no retry will change (undecodable, unsupported, over a limit), recorded beside the
/// renditions so the next request for that version is answered without reading the original again.
/// </summary>
public sealed class Rejections(SourceRecords records)
{
    /// <summary>Records why <paramref name="version"/> of <paramref name="source"/> was refused (refusals of the request itself are not about the original and are not recorded).</summary>
    public async Task RecordAsync(SourceKey source, string version, ImageRejectedException rejection, CancellationToken cancellationToken)
    {
        if (rejection is RecordedRejectionException or OutputTooLargeException || ProblemTypes.For(rejection) is not { } problem)
        {
            return;
        }

        var recorded = new RecordedRejection(problem.Status!.Value, problem.Type!, problem.Title!, problem.Detail!);
        await records.WriteAsync(source, new SourceRecord(version, recorded), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="work"/> on an original, recording a refusal before it is rethrown.</summary>
    public async Task<T> RecordingAsync<T>(SourceKey source, string version, Func<T> work, CancellationToken cancellationToken)
    {
        try
        {
            return work();
        }
        catch (ImageRejectedException ex)
        {
            await RecordAsync(source, version, ex, cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    /// <exception cref="RecordedRejectionException">This version was refused before; answered exactly as the first time.</exception>
    public static void ThrowIfRecorded(SourceRecord? record, ObjectInfo head)
    {
        if (record is { Rejection: { } rejection } && record.ETag == head.ETag)
        {
            throw new RecordedRejectionException(rejection);
        }
    }
}
