using ImageApi.Configuration;
using ImageApi.Processing.Formats;
using ImageApi.Processing.Naming;
using ImageApi.Processing.Transforms;
using ImageApi.Storage;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ImageApi.Images;

/// <summary>
/// Every new size is new work and storage: one original may have only so many renditions. The default
/// one, every rendition whose values are all on the configured allowed lists (the sizes a site
/// really uses), and every preset's are never refused, so anonymous variations cannot use the cap up for them.
/// </summary>
/// <remarks>
/// Counting lists the original's renditions, and a listing costs more than a read (on S3, the price of
/// about twelve GETs). So a count is remembered a minute per original and raised by each rendition
/// this instance makes, and the listing is skipped while that count is under half the cap. Other
/// instances' renditions are seen at the next listing: together, instances could only pass the cap if
/// they made more than half of it for one original within that minute. A count that is too high
/// (renditions deleted since) never refuses: near the cap, the listing decides.
/// </remarks>
public sealed class RenditionQuota(RenditionFiles files, IOptions<ServiceLimitsOptions> limits, IOptions<RenditionDefaults> defaults, TransformPresets presets, IMemoryCache cache)
{
    private static readonly TimeSpan CountLifetime = TimeSpan.FromMinutes(1);

    /// <exception cref="RenditionLimitException">The original already has <c>Limits:MaxRenditionsPerOriginal</c> renditions.</exception>
    public async Task EnforceAsync(RenditionKey key, bool isDefault, CancellationToken cancellationToken)
    {
        var max = limits.Value.MaxRenditionsPerOriginal;
        if (max == 0 || isDefault || IsAllowListed(key.Spec, defaults.Value) || IsPreset(key.Spec))
        {
            return;
        }

        var cacheKey = "renditions:" + key.Source.Value;
        if (cache.TryGetValue(cacheKey, out RenditionCount? known) && known is not null && known.Value < max / 2)
        {
            known.Add();
            return;
        }

        var count = 0;
        await foreach (var existing in files.OfAsync(key.Source, cancellationToken).ConfigureAwait(false))
        {
            if (!RenditionKey.IsServiceFile(existing))
            {
                count++;
            }
        }

        if (count >= max)
        {
            throw new RenditionLimitException(max);
        }

        cache.Set(cacheKey, new RenditionCount(count + 1), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = CountLifetime });
    }

    /// <summary>The renditions one original had at its last listing, and those this instance has made since.</summary>
    private sealed class RenditionCount(int listed)
    {
        private int _value = listed;

        public int Value => Volatile.Read(ref _value);

        public void Add() => Interlocked.Increment(ref _value);
    }

    /// <summary>
    /// Whether every value of the rendition is a default or on its configured allowed list
    /// (<c>Renditions:AllowedWidths</c>, <c>AllowedHeights</c>, <c>AllowedQualities</c>, <c>AllowedFormats</c>).
    /// A value whose list is empty (any value accepted) is not allow-listed. <c>fit</c> has four values
    /// and no list; it never makes a rendition count.
    /// </summary>
    public static bool IsAllowListed(RenditionSpec spec, RenditionDefaults defaults)
    {
        var defaultBox = spec.Width == defaults.Width && spec.Height == defaults.Height;
        return (defaultBox || (OnList(spec.Width, defaults.AllowedWidths) && OnList(spec.Height, defaults.AllowedHeights)))
            && (spec.Quality is null || spec.Quality == defaults.QualityFor(spec.Format) || defaults.AllowedQualities.Contains(spec.Quality.Value))
            && (spec.Format == defaults.OutputFormat || AllowedFormats(defaults).Contains(spec.Format));
    }

    /// <summary>Whether the rendition is a preset's, in any format (a request may give <c>format</c> beside a preset).</summary>
    public bool IsPreset(RenditionSpec spec) => presets.All.Any(p =>
        p.Request.Width == spec.Width && p.Request.Height == spec.Height && p.Request.Fit == spec.Fit
        && (spec.Quality is null || spec.Quality == (p.Request.Quality ?? defaults.Value.QualityFor(spec.Format))));

    private static bool OnList(int? value, ICollection<int> allowed) => value is not { } n || allowed.Contains(n);

    // "auto" on the list admits what auto can become.
    private static IEnumerable<OutputFormat> AllowedFormats(RenditionDefaults defaults)
    {
        var named = defaults.AllowedFormats.Select(OutputFormats.Find).OfType<OutputFormat>();
        return defaults.AllowedFormats.Contains(TransformParameters.AutoFormat, StringComparer.Ordinal)
            ? named.Concat([OutputFormats.Avif, OutputFormats.Webp, OutputFormats.Png, OutputFormats.Jpeg])
            : named;
    }
}

/// <summary>The original already has as many renditions as <c>Limits:MaxRenditionsPerOriginal</c> allows.</summary>
public sealed class RenditionLimitException(int limit)
    : Exception($"This image already has {limit} renditions, the most one image may have; use one of the sizes already made.");
