using ImageApi.Processing.Transforms;
using ImageApi.Processing.Watermarks;

namespace ImageApi.Configuration;

/// <summary>
/// The <c>Presets</c> section: <c>Presets:&lt;name&gt;</c> is a transform as a query string, or an object
/// with <c>Transform</c> and <c>Watermark</c> (<c>default</c> or <c>none</c>); <c>Presets:Only</c> is the switch
/// that makes presets the only unsigned requests served. Read by hand, as the binder has no shape for
/// "a string or an object" under names the site chooses.
/// </summary>
public sealed class PresetOptions
{
    public const string Section = "Presets";

    /// <summary>When on, an unsigned request may only name a preset (and <c>format=auto</c>), or ask for the default rendition.</summary>
    public bool Only { get; set; }

    public IList<PresetDefinition> Definitions { get; } = [];

    /// <summary>What could not be read at all (a watermark choice that is neither default nor none, a switch that is not a bool), by setting.</summary>
    public IList<string> Problems { get; } = [];

    public void Read(IConfigurationSection section)
    {
        foreach (var child in section.GetChildren())
        {
            var name = child.Key;
            if (string.Equals(name, nameof(Only), StringComparison.OrdinalIgnoreCase))
            {
                if (bool.TryParse(child.Value, out var only))
                {
                    Only = only;
                }
                else
                {
                    Problems.Add($"{Section}:{name} must be true or false (it is the presets-only switch, so no preset may be named '{name}'; was '{child.Value}').");
                }

                continue;
            }

            var transform = child.Value ?? child["Transform"];
            var mark = child.Value is null ? child["Watermark"] : null;
            if (transform is null)
            {
                Problems.Add($"{Section}:{name} needs a transform: a query string such as w=400&h=300&fit=cover, or {Section}:{name}:Transform.");
                continue;
            }

            var choice = mark is null || string.Equals(mark, "default", StringComparison.OrdinalIgnoreCase) ? WatermarkChoice.Default
                : string.Equals(mark, "none", StringComparison.OrdinalIgnoreCase) ? WatermarkChoice.None
                : (WatermarkChoice?)null;
            if (choice is null)
            {
                Problems.Add($"{Section}:{name}:Watermark must be default or none (was '{mark}').");
                continue;
            }

            Definitions.Add(new PresetDefinition(name, transform, choice.Value));
        }
    }
}
