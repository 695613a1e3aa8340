using ImageApi.Configuration;
using ImageApi.Processing.Naming;
using ImageApi.Storage;
using Microsoft.Extensions.Options;

namespace ImageApi.Images;

/// <summary>Every new size is new work and storage: one original may have only so many renditions (the default one always).</summary>
public sealed class RenditionQuota(ObjectStores stores, IOptions<ServiceLimitsOptions> limits)
{
    /// <exception cref="RenditionLimitException">The original already has <c>Limits:MaxRenditionsPerOriginal</c> renditions.</exception>
    public async Task EnforceAsync(RenditionKey key, bool isDefault, CancellationToken cancellationToken)
    {
        var max = limits.Value.MaxRenditionsPerOriginal;
        if (max == 0 || isDefault)
        {
            return;
        }

        var count = 0;
        await foreach (var existing in stores.Destination.ListAsync(RenditionKey.PrefixFor(key.Source), cancellationToken).ConfigureAwait(false))
        {
            if (RenditionKey.BelongsTo(existing, key.Source) && !RenditionKey.IsServiceFile(existing))
            {
                count++;
            }
        }

        if (count >= max)
        {
            throw new RenditionLimitException(max);
        }
    }
}

/// <summary>The original already has as many renditions as <c>Limits:MaxRenditionsPerOriginal</c> allows.</summary>
public sealed class RenditionLimitException(int limit)
    : Exception($"This image already has {limit} renditions, the most one image may have; use one of the sizes already made.");
