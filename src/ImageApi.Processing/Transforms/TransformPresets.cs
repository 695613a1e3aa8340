using ImageApi.Processing.Watermarks;

namespace ImageApi.Processing.Transforms;

/// <summary>A preset as configured: its name, its transform as a query string, and its watermark choice.</summary>
public sealed record PresetDefinition(string Name, string Query, WatermarkChoice Watermark = WatermarkChoice.Default);

/// <summary>A preset parsed: the request its query gives, canonical like any other request.</summary>
public sealed record Preset(string Name, string Query, TransformRequest Request);

/// <summary>
/// The site's named transforms (<c>Presets:&lt;name&gt;</c>), each parsed once, at start-up, by the
/// parser requests go through: a preset is exactly the request its query string spells out.
/// </summary>
public sealed class TransformPresets
{
    /// <summary>Configuration keeps this name for the presets-only switch (<c>Presets:Only</c>).</summary>
    public const string ReservedName = "only";

    private readonly Dictionary<string, Preset> _byName;

    private TransformPresets(IEnumerable<Preset> presets)
    {
        All = [.. presets.OrderBy(p => p.Name, StringComparer.Ordinal)];
        _byName = All.ToDictionary(p => p.Name, StringComparer.Ordinal);
    }

    public static TransformPresets None { get; } = new([]);

    /// <summary>Every preset, by name.</summary>
    public IReadOnlyList<Preset> All { get; }

    /// <summary>The names, comma-separated, as an error lists them.</summary>
    public string Names => All.Count == 0 ? "(none are configured)" : string.Join(", ", All.Select(p => p.Name));

    /// <summary>The preset of a canonical (lower-case) name, or null.</summary>
    public Preset? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Parses every definition; the first bad one stops it.</summary>
    /// <exception cref="InvalidPresetException">A definition is not a valid preset; the message names it.</exception>
    public static TransformPresets Parse(IEnumerable<PresetDefinition> definitions, RenditionDefaults defaults)
    {
        var parser = new TransformParser(defaults);
        var presets = new List<Preset>();
        foreach (var definition in definitions)
        {
            var name = definition.Name.ToLowerInvariant();
            if (!NameValue.IsName(definition.Name) || name == ReservedName)
            {
                throw new InvalidPresetException(definition.Name, $"is not a preset name: a name is 1 to {NameValue.MaxLength} letters, digits, '-' and '_', and not '{ReservedName}'");
            }

            if (presets.Any(p => p.Name == name))
            {
                throw new InvalidPresetException(definition.Name, "is configured twice (names are case-insensitive)");
            }

            if (!Enum.IsDefined(definition.Watermark))
            {
                throw new InvalidPresetException(definition.Name, "has a Watermark that is neither default nor none");
            }

            var query = Query(definition);
            if (query.Select(p => TransformParameters.Find(p.Key)).FirstOrDefault(p => p == TransformParameters.Preset || p == TransformParameters.Signature || p == TransformParameters.Expires) is { } refused)
            {
                throw new InvalidPresetException(definition.Name, $"may not contain '{refused.Name}': a preset is a transform, never a signature or another preset");
            }

            ParsedTransform parsed;
            try
            {
                parsed = parser.Parse(query);
            }
            catch (TransformRequestException ex)
            {
                throw new InvalidPresetException(definition.Name, $"is not a valid transform ('{definition.Query}'): {ex.Message.TrimEnd('.')}");
            }

            presets.Add(new Preset(name, definition.Query, parsed.Request with { Watermark = definition.Watermark }));
        }

        return new TransformPresets(presets);
    }

    // A preset is written as a URL's query would be: name=value pairs joined by '&', percent-encoding allowed.
    private static List<KeyValuePair<string, string?>> Query(PresetDefinition definition)
    {
        var query = definition.Query.TrimStart('?');
        if (string.IsNullOrWhiteSpace(query))
        {
            throw new InvalidPresetException(definition.Name, "is empty: write its transform as a query string, such as w=400&h=300&fit=cover");
        }

        return [.. query.Split('&').Select(pair =>
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            return eq < 0
                ? KeyValuePair.Create(Uri.UnescapeDataString(pair), (string?)null)
                : KeyValuePair.Create(Uri.UnescapeDataString(pair[..eq]), (string?)Uri.UnescapeDataString(pair[(eq + 1)..]));
        })];
    }
}

/// <summary>A preset that cannot be used. The message names it: "Presets:thumb is not a valid transform …".</summary>
public sealed class InvalidPresetException(string name, string problem) : Exception($"Presets:{name} {problem}.")
{
    public string Name { get; } = name;
}
