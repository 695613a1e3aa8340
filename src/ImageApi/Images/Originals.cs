using ImageApi.Problems;
using ImageApi.Processing.Limits;
using ImageApi.Processing.Naming;
using ImageApi.Storage;
using Microsoft.Extensions.Caching.Memory;

namespace ImageApi.Images;

/// <summary>
/// Reads originals from the source store: a HEAD first, so a missing, oversized or already-refused
/// original is answered without downloading a byte of it.
/// </summary>
public sealed class Originals(ObjectStores stores, Rejections rejections, ProcessingLimits limits, RenditionMetrics metrics, IMemoryCache cache)
{
    /// <exception cref="SourceNotFoundException">No original under <paramref name="source"/>.</exception>
    public async Task<ObjectInfo> HeadAsync(SourceKey source, CancellationToken cancellationToken) =>
        await stores.Source.HeadAsync(source.Value, cancellationToken).ConfigureAwait(false)
        ?? throw new SourceNotFoundException(source.Value);

    /// <summary>Downloads an original whose <paramref name="head"/> and <paramref name="record"/> are already known.</summary>
    /// <returns>The bytes and the ETag of the version read.</returns>
    public async Task<(MemoryStream Bytes, string ETag)> DownloadAsync(SourceKey source, ObjectInfo head, SourceRecord? record, CancellationToken cancellationToken)
    {
        Rejections.ThrowIfRecorded(record, head);
        if (head.Length > limits.MaxSourceBytes)
        {
            var tooLarge = new SourceTooLargeException(head.Length, limits.MaxSourceBytes);
            await rejections.RecordAsync(source, head.ETag, tooLarge, cancellationToken).ConfigureAwait(false);
            throw tooLarge;
        }

        await using var original = await stores.Source.GetAsync(source.Value, cancellationToken).ConfigureAwait(false)
            ?? throw new SourceNotFoundException(source.Value);
        if (original.Info.Length > limits.MaxSourceBytes)
        {
            // Replaced by a larger one between the HEAD and the GET.
            throw new SourceTooLargeException(original.Info.Length, limits.MaxSourceBytes);
        }

        var buffer = await ReadAllAsync(original, cancellationToken).ConfigureAwait(false);
        metrics.OriginalRead(buffer.Length);
        return (buffer, original.Info.ETag);
    }

    /// <summary>Reads a stored object into a buffer the pipeline can use without another copy.</summary>
    public static async Task<MemoryStream> ReadAllAsync(StoredObject stored, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream(new byte[checked((int)stored.Info.Length)], 0, (int)stored.Info.Length, writable: true, publiclyVisible: true);
        buffer.SetLength(0);
        await stored.Content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        buffer.Position = 0;
        return buffer;
    }

    private static string ExistsCacheKey(SourceKey source) => "exists:" + source.Value;

    /// <summary>
    /// HEADs the original unless this instance saw it within the last minute (a hot image then costs
    /// no extra request; a stale answer only means a lookup that misses, then the HEAD of a render).
    /// </summary>
    /// <returns>The original's metadata when it was read now; null when it is known to exist.</returns>
    /// <exception cref="SourceNotFoundException">No original under <paramref name="source"/>.</exception>
    public async Task<ObjectInfo?> HeadUnlessKnownAsync(SourceKey source, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(ExistsCacheKey(source), out _))
        {
            return null;
        }

        var head = await HeadAsync(source, cancellationToken).ConfigureAwait(false);
        cache.Set(ExistsCacheKey(source), true, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) });
        return head;
    }

    /// <summary>Forgets that the original exists (its renditions were just deleted with it, or it was replaced).</summary>
    public void Forget(SourceKey source) => cache.Remove(ExistsCacheKey(source));
}
