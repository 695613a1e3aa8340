using System.Collections.Frozen;
using ImageApi.Processing.Formats;

namespace ImageApi.Processing.Transforms;

/// <summary>
/// The parameter table: every transform parameter, each described once (DESIGN.md, "Parameters and
/// formats"). The table's order is the canonical order everywhere: of the query CloudFront forwards,
/// of the signed string and of the stored name's segments.
/// </summary>
/// <remarks>
/// Existing signatures and stored names depend on this table: the signed string is
/// <c>w, h, fit, format, q, exp</c> and the stored name <c>w400-hauto-inside-q80.webp</c>. A new
/// parameter goes after those it must not reorder, and a new key segment must be null for the
/// renditions that exist already (or every stored name changes). <c>deploy/cloudfront/parameters.json</c>
/// is this table as the CloudFront Function sees it; a test keeps the two equal.
/// </remarks>
public static class TransformParameters
{
    /// <summary>The canonical names, as constants for code that needs one at compile time.</summary>
    public static class Names
    {
        public const string Width = "w";
        public const string Height = "h";
        public const string Fit = "fit";
        public const string Format = "format";
        public const string Quality = "q";
        public const string Signature = "sig";
        public const string Expires = "exp";
        public const string Preset = "preset";
    }

    /// <summary>The <c>format</c> value that negotiates the format on the client's <c>Accept</c> header.</summary>
    public const string AutoFormat = "auto";

    internal static readonly IntegerValue WidthValue = new(1, d => d.MaxWidth, d => d.AllowedWidths);
    internal static readonly IntegerValue HeightValue = new(1, d => d.MaxHeight, d => d.AllowedHeights);
    internal static readonly IntegerValue QualityValue = new(1, _ => 100, d => d.AllowedQualities);

    internal static readonly EnumValue<FitMode> FitValue = new(
        [.. Enum.GetValues<FitMode>().Select(m => KeyValuePair.Create(m.ToString().ToLowerInvariant(), m))],
        d => d.Fit);

    // Null is auto: the request leaves the format to be negotiated.
    internal static readonly EnumValue<OutputFormat?> FormatValue = new(
        [.. OutputFormats.All.Select(f => KeyValuePair.Create(f.Name, (OutputFormat?)f)), KeyValuePair.Create(AutoFormat, (OutputFormat?)null)],
        d => d.OutputFormat,
        d => d.AllowedFormats);

    public static TransformParameter Width { get; } = new TransformParameter<int>(
        Names.Width,
        WidthValue,
        (draft, value) => draft.Width = value,
        d => $"Width of the target box in pixels. With neither w nor h: the default {d.Width}×{d.Height} box.",
        keySegment: spec => "w" + Dimension(WidthValue, spec.Width));

    public static TransformParameter Height { get; } = new TransformParameter<int>(
        Names.Height,
        HeightValue,
        (draft, value) => draft.Height = value,
        _ => "Height of the target box in pixels. Either w or h may be omitted: the other follows the aspect ratio.",
        keySegment: spec => "h" + Dimension(HeightValue, spec.Height));

    public static TransformParameter Fit { get; } = new TransformParameter<FitMode>(
        Names.Fit,
        FitValue,
        (draft, value) => draft.Fit = value,
        _ => "How the image fills the box when both w and h are given: inside (keep aspect, fit in the box, never enlarge), " +
             "cover (fill the box, crop the centre), contain (fit and pad: transparent, or white for JPEG), fill (stretch).",
        keySegment: spec => FitValue.Canonical(spec.Fit));

    // No key segment: the format is the stored name's extension.
    public static TransformParameter Format { get; } = new TransformParameter<OutputFormat?>(
        Names.Format,
        FormatValue,
        (draft, value) => draft.Format = value,
        _ => "Output format. auto: AVIF when the Accept header lists image/avif (up to the configured output size for AVIF), " +
             "otherwise WebP when it lists image/webp, otherwise PNG for images with transparency and JPEG for the rest; " +
             "the response then carries Vary: Accept.");

    public static TransformParameter Quality { get; } = new TransformParameter<int>(
        Names.Quality,
        QualityValue,
        (draft, value) => draft.Quality = value,
        d => $"Quality of the lossy formats; without it {DefaultQualities(d)}. {LosslessFormats()} ignore it.",
        keySegment: spec => spec.Quality is { } quality ? "q" + QualityValue.Canonical(quality) : null);

    public static TransformParameter Signature { get; } = new TransformParameter<string>(
        Names.Signature,
        new TextValue(),
        (draft, value) => draft.Signature = value,
        _ => "HMAC-SHA256 signature of the canonical request, when signed URLs are required. Never part of the rendition's name.",
        signed: false);

    public static TransformParameter Expires { get; } = new TransformParameter<long>(
        Names.Expires,
        new UnixTimeValue(),
        (draft, value) => draft.Expires = value,
        _ => "Unix time in seconds after which a signed URL is refused. Signed, never part of the rendition's name.");

    // No key segment: a preset's rendition is the one its transform spelled out gives, under the same name.
    public static TransformParameter Preset { get; } = new TransformParameter<string>(
        Names.Preset,
        new NameValue(),
        (draft, value) => draft.Preset = value,
        _ => "A transform the site named (Presets:<name>): the same rendition, under the same stored name, as that transform " +
             "spelled out. Only format, sig and exp may be given with it; format then replaces the preset's format.");

    /// <summary>Every parameter, in the canonical order.</summary>
    public static IReadOnlyList<TransformParameter> All { get; } = [Width, Height, Fit, Format, Quality, Signature, Expires, Preset];

    private static readonly FrozenDictionary<string, TransformParameter> BySpelling = IndexSpellings();

    /// <summary>The parameter a query name means (its name or an alias, case-insensitive), or null.</summary>
    public static TransformParameter? Find(string name) => BySpelling.GetValueOrDefault(name);

    /// <summary>The names a request may use, for a 400 answer to an unknown one: <c>w, h, …</c>, aliases in brackets.</summary>
    public static string AllowedNames { get; } = string.Join(", ", All.Select(p =>
        p.Aliases.Count == 0 ? p.Name : $"{p.Name} ({string.Join(", ", p.Aliases)})"));

    private static string Dimension(IntegerValue value, int? pixels) => pixels is { } n ? value.Canonical(n) : "auto";

    // "80 for webp and jpeg, 60 for avif": from the registry, so a new lossy format documents itself.
    private static string DefaultQualities(RenditionDefaults defaults) => string.Join(", ", OutputFormats.All
        .Where(f => f.IsLossy)
        .GroupBy(defaults.QualityFor)
        .Select(g => $"{g.Key} for {string.Join(" and ", g.Select(f => f.Name))}"));

    private static string LosslessFormats() => string.Join(" and ", OutputFormats.All.Where(f => !f.IsLossy).Select(f => f.Name));

    private static FrozenDictionary<string, TransformParameter> IndexSpellings()
    {
        // The table is code, but a clash here would silently make one parameter unreachable: refuse it at start-up.
        var index = new Dictionary<string, TransformParameter>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in All)
        {
            foreach (var spelling in parameter.Aliases.Prepend(parameter.Name))
            {
                if (spelling.Length == 0 || !spelling.Equals(spelling.ToLowerInvariant(), StringComparison.Ordinal) || !index.TryAdd(spelling, parameter))
                {
                    throw new InvalidOperationException($"Parameter spelling '{spelling}' is empty, not lower-case, or used twice.");
                }
            }
        }

        return index.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
