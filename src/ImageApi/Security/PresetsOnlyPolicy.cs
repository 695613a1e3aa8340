using ImageApi.Configuration;
using ImageApi.Processing.Naming;
using ImageApi.Processing.Transforms;
using Microsoft.Extensions.Options;

namespace ImageApi.Security;

/// <summary>
/// <c>Presets:Only</c>: an unsigned request may name a preset (with <c>format=auto</c> if it likes) or ask
/// for the default rendition, nothing else. The safe mode for front-ends that cannot hold a signing key,
/// such as a browser's image loader: the site's presets are the only renditions anyone can cause.
/// </summary>
public sealed class PresetsOnlyPolicy(IOptions<PresetOptions> options, SignaturePolicy signatures, TransformPresets presets)
{
    /// <exception cref="PresetRequiredException">Presets only, and the request is neither a preset nor validly signed.</exception>
    public void Demand(SourceKey key, ParsedTransform transform)
    {
        if (!options.Value.Only || transform.Given.All(name => IsPresetOnly(name, transform)) || signatures.IsValidlySigned(key, transform))
        {
            return;
        }

        throw new PresetRequiredException(presets.All.Select(p => p.Name).ToList());
    }

    private static bool IsPresetOnly(string name, ParsedTransform transform) => name switch
    {
        TransformParameters.Names.Preset or TransformParameters.Names.Signature or TransformParameters.Names.Expires => true,
        TransformParameters.Names.Format => transform.Request.IsAuto,
        _ => false,
    };
}

/// <summary>A request other than a preset while <c>Presets:Only</c> is on, without a valid signature.</summary>
public sealed class PresetRequiredException(IReadOnlyList<string> presets) : Exception(
    "This service serves its presets only: ask for preset=<name> (format=auto may be added), or for the default rendition without parameters. " +
    (presets.Count == 0 ? "No presets are configured." : "Presets: " + string.Join(", ", presets) + "."))
{
    public IReadOnlyList<string> Presets { get; } = presets;
}
