using ImageApi.Configuration;
using ImageApi.Processing.Naming;
using ImageApi.Processing.Watermarks;
using Microsoft.Extensions.Options;

namespace ImageApi.Images;

/// <summary>
/// Which mark a rendition gets: the configured one for originals under <c>Watermarks:KeyPrefixes</c>
/// (all, when empty), none for other originals and for presets that say none. Nothing a viewer sends
/// reaches this decision.
/// </summary>
public sealed class WatermarkPolicies(WatermarkSource source, IOptions<WatermarkOptions> options)
{
    /// <summary>Whether the configured mark covers <paramref name="original"/> (there is one, and its prefixes include the key).</summary>
    public bool Covers(SourceKey original)
    {
        var settings = options.Value;
        return settings.Enabled
            && (settings.KeyPrefixes.Count == 0 || settings.KeyPrefixes.Any(prefix => original.Value.StartsWith(prefix, StringComparison.Ordinal)));
    }

    /// <summary>The mark for a rendition of <paramref name="original"/>, or null for an unmarked one.</summary>
    /// <exception cref="WatermarkUnavailableException">The original is covered but the mark cannot be read.</exception>
    public async Task<WatermarkPolicy?> ForAsync(SourceKey original, WatermarkChoice choice, CancellationToken cancellationToken) =>
        choice == WatermarkChoice.None || !Covers(original) ? null : await source.CurrentAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>The fingerprint renditions of <paramref name="original"/> carry now (null: unmarked), as its source record keeps it.</summary>
    public async Task<string?> FingerprintForAsync(SourceKey original, CancellationToken cancellationToken) =>
        (await ForAsync(original, WatermarkChoice.Default, cancellationToken).ConfigureAwait(false))?.Fingerprint;
}
