using ImageApi.Problems;
using ImageApi.Processing.Limits;
using ImageApi.Processing.Naming;
using ImageApi.Storage;
using Microsoft.Extensions.Caching.Memory;

namespace ImageApi.Images;

/// <summary>
/// Reads originals from the source store: a HEAD (or, for an upload event, a GET's headers) first, so
/// a missing, oversized or already-refused original is answered without downloading a byte of it.
/// </summary>
public sealed class Originals(ObjectStores stores, Rejections rejections, ProcessingLimits limits, RenditionMetrics metrics, IMemoryCache cache)
{
    // A page asks for its image's srcset widths at once: they share one HEAD, not one each.
    private readonly SingleFlight<ObjectInfo> _heads = new();

    /// <summary>
    /// The original's metadata, for a request. A request that arrives while another's HEAD of the same
    /// original is under way shares its answer, which is at most one round trip older than its own would be.
    /// </summary>
    /// <exception cref="SourceNotFoundException">No original under <paramref name="source"/>.</exception>
    public Task<ObjectInfo> HeadAsync(SourceKey source, CancellationToken cancellationToken) =>
        _heads.RunAsync(source.Value, async token =>
            await stores.Source.HeadAsync(source.Value, token).ConfigureAwait(false) ?? throw new SourceNotFoundException(source.Value),
            Timeout.InfiniteTimeSpan, cancellationToken);

    /// <summary>
    /// Opens an original for reading. One GET answers whether it exists, gives its metadata (what a HEAD
    /// would) and starts its bytes: an upload event, which needs all three, pays one request instead of two.
    /// </summary>
    /// <returns>The original (dispose it), or null when there is none.</returns>
    public Task<StoredObject?> OpenAsync(SourceKey source, CancellationToken cancellationToken) =>
        stores.Source.GetAsync(source.Value, cancellationToken);

    /// <summary>Reads an original opened by <see cref="OpenAsync"/>, unless it is over the byte limit.</summary>
    /// <returns>Its bytes; null when it is too large (not a byte read: <see cref="DownloadAsync"/> refuses it from its length).</returns>
    public async Task<ArraySegment<byte>?> ReadOpenedAsync(StoredObject opened, CancellationToken cancellationToken)
    {
        if (opened.Info.Length > limits.MaxSourceBytes)
        {
            return null;
        }

        using var buffer = await ReadAllAsync(opened, stores.Source.Name, cancellationToken).ConfigureAwait(false);
        metrics.OriginalRead(buffer.Length);
        return new ArraySegment<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Downloads an original whose <paramref name="head"/> and <paramref name="record"/> are already known.</summary>
    /// <param name="read">Its bytes, when the caller has already read them with <paramref name="head"/> (<see cref="ReadOpenedAsync"/>): not fetched again.</param>
    /// <returns>The bytes and the ETag of the version read.</returns>
    public async Task<(MemoryStream Bytes, string ETag)> DownloadAsync(SourceKey source, ObjectInfo head, SourceRecord? record, CancellationToken cancellationToken, ArraySegment<byte>? read = null)
    {
        Rejections.ThrowIfRecorded(record, head);
        if (head.Length > limits.MaxSourceBytes)
        {
            var tooLarge = new SourceTooLargeException(head.Length, limits.MaxSourceBytes);
            await rejections.RecordAsync(source, head.ETag, tooLarge, cancellationToken).ConfigureAwait(false);
            throw tooLarge;
        }

        if (read is { Array: { } array } bytes)
        {
            // A view of its own for every render that uses the bytes: none disposes or moves another's.
            return (new MemoryStream(array, bytes.Offset, bytes.Count, writable: false, publiclyVisible: true), head.ETag);
        }

        await using var original = await stores.Source.GetAsync(source.Value, cancellationToken).ConfigureAwait(false)
            ?? throw new SourceNotFoundException(source.Value);
        if (original.Info.Length > limits.MaxSourceBytes)
        {
            // Replaced by a larger one between the HEAD and the GET.
            throw new SourceTooLargeException(original.Info.Length, limits.MaxSourceBytes);
        }

        var buffer = await ReadAllAsync(original, stores.Source.Name, cancellationToken).ConfigureAwait(false);
        metrics.OriginalRead(buffer.Length);
        return (buffer, original.Info.ETag);
    }

    /// <summary>Reads a stored object into a buffer the pipeline can use without another copy.</summary>
    /// <param name="store">The store it came from, named when its bytes and its metadata disagree.</param>
    /// <exception cref="StorageUnavailableException">
    /// The body is longer or shorter than the length read with it: the object changed while it was read, or
    /// the store is damaged. Transient as far as a client can tell (503, try again), and never rendered: a cut-off
    /// image must not become a stored rendition.
    /// </exception>
    public static async Task<MemoryStream> ReadAllAsync(StoredObject stored, string store, CancellationToken cancellationToken)
    {
        // Straight into the buffer of the stored length: a multi-megabyte original is copied once, not
        // through CopyToAsync's intermediate buffer as well, and not zeroed first (only what is read is used).
        var bytes = GC.AllocateUninitializedArray<byte>(checked((int)stored.Info.Length));
        var read = await stored.Content.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read < bytes.Length)
        {
            throw new StorageUnavailableException(store, $"'{stored.Info.Key}' ended after {read} of the {bytes.Length} bytes its metadata says.");
        }

        if (await stored.Content.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) != 0)
        {
            throw new StorageUnavailableException(store, $"'{stored.Info.Key}' holds more than the {bytes.Length} bytes its metadata says.");
        }

        return new MemoryStream(bytes, 0, read, writable: false, publiclyVisible: true);
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
