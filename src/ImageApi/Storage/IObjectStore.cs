namespace ImageApi.Storage;

/// <summary>
/// One bucket's worth of objects: the originals (source) or the renditions (destination).
/// Implemented over a local folder and over S3; everything else in the service sees only this.
/// </summary>
public interface IObjectStore
{
    /// <summary>"source" or "destination", for logs and errors.</summary>
    string Name { get; }

    /// <returns>The object's metadata, or null when there is no such object.</returns>
    /// <exception cref="StorageUnavailableException">The store could not be reached; worth retrying.</exception>
    Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken);

    /// <returns>The object opened for reading (dispose it), or null when there is no such object.</returns>
    /// <exception cref="StorageUnavailableException">The store could not be reached; worth retrying.</exception>
    Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="content"/> atomically: readers see the old object or the whole new one, never a part.
    /// If reading <paramref name="content"/> throws, nothing is stored.
    /// </summary>
    /// <param name="metadata">User metadata stored with the object (S3's <c>x-amz-meta-*</c>): lower-case names, ASCII values.</param>
    /// <exception cref="ObjectAlreadyExistsException"><paramref name="mode"/> is <see cref="PutMode.CreateOnly"/> and the key exists.</exception>
    /// <exception cref="StorageUnavailableException">The store could not be reached; worth retrying.</exception>
    Task<ObjectInfo> PutAsync(string key, Stream content, string contentType, PutMode mode, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? metadata = null);

    /// <summary>Replaces the user metadata of an existing object, keeping its content and content type.</summary>
    /// <returns>The object's metadata as now stored, or null when there is no such object.</returns>
    /// <exception cref="StorageUnavailableException">The store could not be reached; worth retrying.</exception>
    Task<ObjectInfo?> ReplaceMetadataAsync(string key, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);

    /// <summary>Deletes the object; deleting a missing object is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Every key that starts with <paramref name="prefix"/>.</summary>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken);
}

public enum PutMode
{
    Overwrite,

    /// <summary>Store only if nothing is stored under the key yet (S3's <c>If-None-Match: *</c>).</summary>
    CreateOnly,
}

/// <param name="ETag">Opaque, without quotes; changes whenever the content does.</param>
/// <param name="ContentType">As stored, when the store keeps one.</param>
public sealed record ObjectInfo(string Key, long Length, string ETag, string? ContentType, DateTimeOffset LastModified)
{
    public static IReadOnlyDictionary<string, string> NoMetadata { get; } = new Dictionary<string, string>();

    /// <summary>The user metadata stored with the object (names lower-case, without S3's <c>x-amz-meta-</c>).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = NoMetadata;
}

/// <summary>An object opened for reading; <paramref name="owner"/> (an S3 response) is disposed with it.</summary>
public sealed class StoredObject(ObjectInfo info, Stream content, IDisposable? owner = null) : IAsyncDisposable, IDisposable
{
    public ObjectInfo Info { get; } = info;
    public Stream Content { get; } = content;

    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync().ConfigureAwait(false);
        owner?.Dispose();
    }

    public void Dispose()
    {
        Content.Dispose();
        owner?.Dispose();
    }
}

/// <summary>A store whose objects can be fetched by clients directly, through a time-limited URL (S3).</summary>
public interface IPresignedDownloads
{
    Uri GetDownloadUrl(string key, TimeSpan validFor);
}

/// <summary>The two stores the service works with, like the two buckets in AWS.</summary>
public sealed record ObjectStores(IObjectStore Source, IObjectStore Destination);

public sealed class ObjectAlreadyExistsException(string store, string key)
    : Exception($"The {store} store already holds '{key}'.")
{
    public string Key { get; } = key;
}

/// <summary>The store failed in a way that may pass: unreachable, throttled, out of space.</summary>
public sealed class StorageUnavailableException(string store, string message, Exception? inner = null)
    : Exception($"The {store} store is unavailable: {message}", inner)
{
    public string Store { get; } = store;
}
