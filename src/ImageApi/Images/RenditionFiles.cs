using ImageApi.Processing.Naming;
using ImageApi.Processing.Pipeline;
using ImageApi.Storage;

namespace ImageApi.Images;

/// <summary>
/// The files one original has in the destination store: its renditions and the service's own files
/// beside them (record, intermediate), and none of another original whose key merely starts the same;
/// and one rendition's file, stored or read whole.
/// </summary>
public sealed class RenditionFiles(ObjectStores stores)
{
    /// <summary>Every file of <paramref name="source"/>, service files included (<see cref="RenditionKey.IsServiceFile"/>).</summary>
    public async IAsyncEnumerable<string> OfAsync(SourceKey source, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var key in stores.Destination.ListAsync(RenditionKey.PrefixFor(source), cancellationToken).ConfigureAwait(false))
        {
            if (RenditionKey.BelongsTo(key, source))
            {
                yield return key;
            }
        }
    }

    /// <summary>Deletes the files of <paramref name="source"/> that <paramref name="which"/> picks, listed first and deleted after.</summary>
    /// <returns>The keys deleted.</returns>
    public async Task<IReadOnlyList<string>> DeleteAsync(SourceKey source, Func<string, bool> which, CancellationToken cancellationToken)
    {
        var picked = new List<string>();
        await foreach (var key in OfAsync(source, cancellationToken).ConfigureAwait(false))
        {
            if (which(key))
            {
                picked.Add(key);
            }
        }

        foreach (var key in picked)
        {
            await stores.Destination.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        }

        return picked;
    }

    /// <summary>Stores a new rendition create-only; when another instance stored it first, serves what it stored, so every client sees one ETag.</summary>
    public async Task<(byte[] Content, ObjectInfo Info)> StoreAsync(RenditionKey key, RenderedImage rendered, CancellationToken cancellationToken)
    {
        using (var body = new MemoryStream(rendered.Content, writable: false))
        {
            try
            {
                return (rendered.Content, await stores.Destination.PutAsync(key.Value, body, rendered.ContentType, PutMode.CreateOnly, cancellationToken).ConfigureAwait(false));
            }
            catch (ObjectAlreadyExistsException)
            {
            }
        }

        return await ReadAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new StorageUnavailableException(stores.Destination.Name, $"'{key.Value}' vanished right after it was stored.");
    }

    /// <summary>A stored rendition, read whole; null when there is none.</summary>
    public async Task<(byte[] Content, ObjectInfo Info)?> ReadAsync(RenditionKey key, CancellationToken cancellationToken)
    {
        await using var stored = await stores.Destination.GetAsync(key.Value, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }

        using var buffer = await Originals.ReadAllAsync(stored, stores.Destination.Name, cancellationToken).ConfigureAwait(false);
        return (buffer.ToArray(), stored.Info);
    }
}
