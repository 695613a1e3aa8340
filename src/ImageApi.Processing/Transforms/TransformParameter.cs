using ImageApi.Processing.Formats;

namespace ImageApi.Processing.Transforms;

/// <summary>
/// One transform parameter, described once: how it is spelled, read, documented, signed and named in
/// the stored rendition. <see cref="TransformParameters"/> lists them all; the parser, the rendition
/// key, the signed string, the OpenAPI document and the CloudFront Function are all made from that list.
/// </summary>
public abstract class TransformParameter
{
    private readonly Func<RenditionDefaults, string> _description;
    private readonly Func<RenditionSpec, string?>? _keySegment;

    private protected TransformParameter(
        string name,
        IReadOnlyList<string> aliases,
        bool signed,
        Func<RenditionSpec, string?>? keySegment,
        Func<RenditionDefaults, string> description,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? aliasValues)
    {
        Name = name;
        Aliases = aliases;
        AliasValues = aliasValues ?? new Dictionary<string, IReadOnlyDictionary<string, string>>();
        IsSigned = signed;
        _keySegment = keySegment;
        _description = description;
    }

    /// <summary>The canonical name: lower-case, what the signed string, CloudFront's cache key and errors use.</summary>
    public string Name { get; }

    /// <summary>Other names a request may use (case-insensitive); they mean exactly <see cref="Name"/>.</summary>
    public IReadOnlyList<string> Aliases { get; }

    /// <summary>
    /// Aliases that are another service's name for one value of this parameter, with their own values
    /// (imgix's <c>auto=format</c> is <c>format=auto</c>): under that name only these values are accepted,
    /// each read as the canonical value it maps to.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> AliasValues { get; }

    /// <summary>Other spellings of values (<c>fit=max</c>), each with the canonical value it stands for.</summary>
    public abstract IReadOnlyList<KeyValuePair<string, string>> ValueAliases { get; }

    /// <summary>
    /// Whether a signature covers the parameter on its own (everything but the signature itself, and
    /// <c>dpr</c>, which is signed as the <c>w</c> and <c>h</c> it makes).
    /// </summary>
    public bool IsSigned { get; }

    /// <summary>Whether the parameter has a segment in the stored name (see <see cref="KeySegment"/>).</summary>
    public bool InRenditionKey => _keySegment is not null;

    /// <summary>Whether the value is a plain number (CloudFront drops leading zeros, and nothing else).</summary>
    public abstract bool IsNumeric { get; }

    /// <summary>Whether the value's case matters; every other value is compared and forwarded lower-case.</summary>
    public abstract bool PreservesCase { get; }

    /// <summary>The OpenAPI description, with the limits and defaults of <paramref name="defaults"/>.</summary>
    public string Description(RenditionDefaults defaults)
    {
        var text = _description(defaults);
        if (Aliases.Count > 0)
        {
            text += $" Also spelled {string.Join(", ", Aliases.Select(a => AliasValues.TryGetValue(a, out var values) ? $"{a} ({string.Join(", ", values.Select(v => $"{a}={v.Key} is {Name}={v.Value}"))})" : a))}.";
        }

        if (ValueAliases.Count > 0)
        {
            text += $" Values also spelled {string.Join(", ", ValueAliases.Select(v => $"{v.Key} ({v.Value})"))}.";
        }

        return text;
    }

    /// <summary>What the parameter accepts, in words, as a 400 answer states it ("an integer from 1 to 4096").</summary>
    public abstract string Allowed(RenditionDefaults defaults);

    public abstract ParameterSchema Schema(RenditionDefaults defaults);

    /// <summary>
    /// The parameter's segment of the stored name for <paramref name="spec"/>, or null when it has none
    /// for this rendition (a lossless format's quality) or none at all (<c>sig</c>, <c>exp</c>;
    /// <c>format</c> is the name's extension).
    /// </summary>
    public string? KeySegment(RenditionSpec spec) => _keySegment?.Invoke(spec);

    /// <summary>Reads <paramref name="text"/> into <paramref name="draft"/>.</summary>
    /// <param name="canonical">On success, the value as the signed string spells it.</param>
    /// <param name="shown">On failure, the refused value as the error message quotes it.</param>
    internal abstract bool TryApply(string text, RenditionDefaults defaults, TransformDraft draft, out string canonical, out string shown);

    public override string ToString() => Name;
}

/// <summary>A parameter whose values are of type <typeparamref name="T"/>.</summary>
internal sealed class TransformParameter<T>(
    string name,
    ParameterValue<T> value,
    Action<TransformDraft, T> apply,
    Func<RenditionDefaults, string> description,
    Func<RenditionSpec, string?>? keySegment = null,
    bool signed = true,
    IReadOnlyList<string>? aliases = null,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? aliasValues = null)
    : TransformParameter(name, aliases ?? [], signed, keySegment, description, aliasValues)
{
    public ParameterValue<T> Value { get; } = value;

    public override IReadOnlyList<KeyValuePair<string, string>> ValueAliases => Value.ValueAliases;

    public override bool IsNumeric => Value.IsNumeric;

    public override bool PreservesCase => Value.PreservesCase;

    public override string Allowed(RenditionDefaults defaults) => Value.Allowed(defaults);

    public override ParameterSchema Schema(RenditionDefaults defaults) => Value.Schema(defaults);

    internal override bool TryApply(string text, RenditionDefaults defaults, TransformDraft draft, out string canonical, out string shown)
    {
        if (!Value.TryParse(text, defaults, out var parsed, out shown))
        {
            canonical = string.Empty;
            return false;
        }

        canonical = Value.Canonical(parsed);
        apply(draft, parsed);
        return true;
    }
}

/// <summary>What the parameters of one request said, before the request is canonicalised.</summary>
internal sealed class TransformDraft(RenditionDefaults defaults)
{
    public int? Width { get; set; }

    public int? Height { get; set; }

    public FitMode Fit { get; set; } = defaults.Fit;

    /// <summary>Null once <c>format=auto</c> is read.</summary>
    public OutputFormat? Format { get; set; } = defaults.OutputFormat;

    public int? Quality { get; set; }

    public string? Signature { get; set; }

    public long? Expires { get; set; }

    public decimal? Dpr { get; set; }

    /// <summary>Null when the request names none (a focal point given alone implies <see cref="Transforms.Gravity.Focal"/>).</summary>
    public Gravity? Gravity { get; set; }

    public decimal? FocusX { get; set; }

    public decimal? FocusY { get; set; }

    public FocalPoint? Focus => FocusX is { } x && FocusY is { } y ? new FocalPoint(x, y) : null;

    public Rgba? Background { get; set; }

    public int Rotation { get; set; }

    public Flip Flip { get; set; }

    public decimal? Blur { get; set; }

    public decimal? Sharpen { get; set; }
    public string? Preset { get; set; }
}
