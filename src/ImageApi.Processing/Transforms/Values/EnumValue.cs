namespace ImageApi.Processing.Transforms;

/// <summary>
/// One of a fixed list of names, case-insensitive; canonically lower-case; optionally restricted to a
/// configured list. <paramref name="aliases"/> are other names of the same values, as other services'
/// loaders spell them (<c>fit=max</c>); they are read as the value they stand for and never written.
/// </summary>
internal sealed class EnumValue<T>(
    IReadOnlyList<KeyValuePair<string, T>> values,
    Func<RenditionDefaults, T>? fallback = null,
    Func<RenditionDefaults, ICollection<string>>? only = null,
    IReadOnlyList<KeyValuePair<string, string>>? aliases = null)
    : ParameterValue<T>
{
    /// <summary>The names the table knows, lower-case, in the order documentation lists them.</summary>
    public IReadOnlyList<string> Names { get; } = [.. values.Select(v => v.Key)];

    /// <summary>Other spellings of values, each with the name it stands for.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Aliases { get; } = aliases ?? [];

    public override IReadOnlyList<KeyValuePair<string, string>> ValueAliases => Aliases;

    public override bool IsNumeric => false;

    public override string Allowed(RenditionDefaults defaults)
    {
        var accepted = Accepted(defaults);
        var aliased = Aliases.Where(a => accepted.Contains(a.Value)).GroupBy(a => a.Value).Select(g => $"{string.Join(", ", g.Select(a => a.Key))} for {g.Key}").ToList();
        return "one of " + string.Join(", ", accepted) + (aliased.Count == 0 ? "" : $" ({string.Join("; ", aliased)})");
    }

    public override ParameterSchema Schema(RenditionDefaults defaults)
    {
        var accepted = Accepted(defaults);
        return new(ParameterType.Text, Values: [.. accepted, .. Aliases.Where(a => accepted.Contains(a.Value)).Select(a => a.Key)],
            Default: fallback is null ? null : Canonical(fallback(defaults)));
    }

    /// <summary>The names a request may use: all of them, or those of the configured list, in the table's order.</summary>
    public IReadOnlyList<string> Accepted(RenditionDefaults defaults)
    {
        var list = only?.Invoke(defaults);
        return list is { Count: > 0 } ? [.. Names.Where(n => list.Contains(n, StringComparer.OrdinalIgnoreCase))] : Names;
    }

    public override bool TryParse(string text, RenditionDefaults defaults, out T value, out string shown)
    {
        var accepted = Accepted(defaults);
        var name = Aliases.FirstOrDefault(a => string.Equals(a.Key, text, StringComparison.OrdinalIgnoreCase)).Value ?? text;
        foreach (var (candidateName, candidate) in values)
        {
            if (string.Equals(candidateName, name, StringComparison.OrdinalIgnoreCase) && accepted.Contains(candidateName))
            {
                value = candidate;
                shown = candidateName;
                return true;
            }
        }

        value = default!;
        shown = Quote(text);
        return false;
    }

    public override string Canonical(T value)
    {
        foreach (var (name, candidate) in values)
        {
            if (EqualityComparer<T>.Default.Equals(candidate, value))
            {
                return name;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(value), value, "Not a value of this parameter.");
    }
}
