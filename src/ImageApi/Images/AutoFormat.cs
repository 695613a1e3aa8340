using ImageApi.Configuration;
using ImageApi.Processing.Naming;
using ImageApi.Processing.Pipeline;
using ImageApi.Processing.Transforms;
using ImageApi.Storage;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ImageApi.Images;

/// <summary>
/// Fixes a request's format: <c>auto</c> depends on the client and, unless the client takes WebP but
/// not AVIF, on the original's size (AVIF only up to <c>Delivery:AutoAvifMaxPixels</c>) and
/// transparency, which are read from memory, then the source record, then the original's header.
/// </summary>
public sealed class AutoFormat(
    SourceRecords records,
    Originals originals,
    Rejections rejections,
    ImagePipeline pipeline,
    IMemoryCache cache,
    IOptions<RenditionDefaults> defaults,
    IOptions<DeliveryOptions> delivery)
{
    /// <param name="head">The original's metadata when the caller knows it.</param>
    public async Task<RenditionSpec> ResolveAsync(SourceKey source, TransformRequest request, FormatSupport accepts, ObjectInfo? head, CancellationToken cancellationToken)
    {
        var settings = defaults.Value;
        if (!request.IsAuto)
        {
            return request.Resolve(settings);
        }

        if (!request.NeedsSourceFacts(accepts))
        {
            return request.Resolve(accepts, false, 0, 0, settings);
        }

        var facts = await SourceFactsAsync(source, head, cancellationToken).ConfigureAwait(false);
        var geometry = pipeline.Plan(new Dimensions(facts.Width, facts.Height), request.Resolve(FormatSupport.None, facts.HasAlpha, 0, 0, settings));
        return request.Resolve(accepts, facts.HasAlpha, geometry.Pixels, delivery.Value.AutoAvifMaxPixels, settings);
    }

    /// <summary>Lets go of what is remembered of an original that was deleted or replaced.</summary>
    public void Forget(SourceKey source) => cache.Remove(FactsCacheKey(source));

    private async Task<SourceFacts> SourceFactsAsync(SourceKey source, ObjectInfo? knownHead, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(FactsCacheKey(source), out SourceFacts? facts) && facts is not null)
        {
            return facts;
        }

        var head = knownHead ?? await originals.HeadAsync(source, cancellationToken).ConfigureAwait(false);
        var record = await records.ReadSharedAsync(source, cancellationToken).ConfigureAwait(false);
        if (record is { Facts: { } recorded, Rejection: null } && record.ETag == head.ETag)
        {
            facts = recorded;
        }
        else
        {
            var (original, version) = await originals.DownloadAsync(source, head, record, cancellationToken).ConfigureAwait(false);
            using (original)
            {
                facts = SourceRecords.FactsOf(await rejections.RecordingAsync(source, version, () => pipeline.Inspect(original), cancellationToken).ConfigureAwait(false));
            }
        }

        cache.Set(FactsCacheKey(source), facts, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromHours(1) });
        return facts;
    }

    private static string FactsCacheKey(SourceKey source) => "facts:" + source.Value;
}
