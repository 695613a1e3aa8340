using ImageApi.Processing.Naming;
using ImageApi.Storage;

namespace ImageApi.Images;

/// <summary>
/// The files one original has in the destination store: its renditions and the service's own files
/// beside them (record, intermediate), and none of another original whose key merely starts the same.
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
}
