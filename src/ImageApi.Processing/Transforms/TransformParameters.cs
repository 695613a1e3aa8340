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
        public const string Dpr = "dpr";
        public const string Gravity = "gravity";
        public const string FocusX = "fp-x";
        public const string FocusY = "fp-y";
        public const string Background = "bg";
        public const string Rotation = "rot";
        public const string Flip = "flip";
        public const string Blur = "blur";
        public const string Sharpen = "sharpen";
        public const string Preset = "preset";
    }

    /// <summary>The <c>format</c> value that negotiates the format on the client's <c>Accept</c> header.</summary>
    public const string AutoFormat = "auto";

    internal static readonly IntegerValue WidthValue = new(1, d => d.MaxWidth, d => d.AllowedWidths);
    internal static readonly IntegerValue HeightValue = new(1, d => d.MaxHeight, d => d.AllowedHeights);
    internal static readonly IntegerValue QualityValue = new(1, _ => 100, d => d.AllowedQualities);

    // imgix's names (its fit=fill pads, which is contain, but Cloudinary's fill crops: too ambiguous to alias).
    internal static readonly EnumValue<FitMode> FitValue = new(
        [.. Enum.GetValues<FitMode>().Select(m => KeyValuePair.Create(m.ToString().ToLowerInvariant(), m))],
        d => d.Fit,
        aliases: [KeyValuePair.Create("max", "inside"), KeyValuePair.Create("clip", "inside"), KeyValuePair.Create("crop", "cover"), KeyValuePair.Create("min", "cover")]);

    internal static readonly DecimalValue DprValue = new(1, 3, 1);
    internal static readonly EnumValue<Transforms.Gravity> GravityValue = new(
        [.. Enum.GetValues<Transforms.Gravity>().Select(g => KeyValuePair.Create(g.ToString().ToLowerInvariant(), g))],
        _ => Transforms.Gravity.Center);
    internal static readonly DecimalValue FocusValue = new(0, 1, 3);
    internal static readonly IntegerValue RotationValue = new(0, _ => 270, _ => [0, 90, 180, 270]);
    internal static readonly EnumValue<Transforms.Flip> FlipValue = new([KeyValuePair.Create("h", Transforms.Flip.H), KeyValuePair.Create("v", Transforms.Flip.V), KeyValuePair.Create("hv", Transforms.Flip.HV)]);
    internal static readonly DecimalValue BlurValue = new(0.3m, 100, 1);
    internal static readonly DecimalValue SharpenValue = new(0.5m, 10, 1);

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
        keySegment: spec => "w" + Dimension(WidthValue, spec.Width),
        aliases: ["width"]);

    public static TransformParameter Height { get; } = new TransformParameter<int>(
        Names.Height,
        HeightValue,
        (draft, value) => draft.Height = value,
        _ => "Height of the target box in pixels. Either w or h may be omitted: the other follows the aspect ratio.",
        keySegment: spec => "h" + Dimension(HeightValue, spec.Height),
        aliases: ["height"]);

    public static TransformParameter Fit { get; } = new TransformParameter<FitMode>(
        Names.Fit,
        FitValue,
        (draft, value) => draft.Fit = value,
        _ => "How the image fills the box when both w and h are given: inside (keep aspect, fit in the box, never enlarge), " +
             "cover (fill the box, crop as gravity says), contain (fit and pad with bg: transparent, or white for JPEG), fill (stretch).",
        keySegment: spec => FitValue.Canonical(spec.Fit));

    // No key segment: the format is the stored name's extension.
    public static TransformParameter Format { get; } = new TransformParameter<OutputFormat?>(
        Names.Format,
        FormatValue,
        (draft, value) => draft.Format = value,
        _ => "Output format. auto: AVIF when the Accept header lists image/avif (up to the configured output size for AVIF), " +
             "otherwise WebP when it lists image/webp, otherwise PNG for images with transparency and JPEG for the rest; " +
             "the response then carries Vary: Accept.",
        aliases: ["fm", "auto"],
        aliasValues: new Dictionary<string, IReadOnlyDictionary<string, string>> { ["auto"] = new Dictionary<string, string> { ["format"] = AutoFormat } });

    public static TransformParameter Quality { get; } = new TransformParameter<int>(
        Names.Quality,
        QualityValue,
        (draft, value) => draft.Quality = value,
        d => $"Quality of the lossy formats; without it {DefaultQualities(d)}. {LosslessFormats()} ignore it.",
        keySegment: spec => spec.Quality is { } quality ? "q" + QualityValue.Canonical(quality) : null,
        aliases: ["quality"]);

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

    // Signed as the w and h it makes (TransformParser folds it in first), so no segment and no place of its own.
    public static TransformParameter Dpr { get; } = new TransformParameter<decimal>(
        Names.Dpr,
        DprValue,
        (draft, value) => draft.Dpr = value,
        _ => "Device pixel ratio: multiplies w and h (at most to the maximum size; with allowed widths configured, " +
             "w becomes the smallest allowed width at least that large, h keeps the box's shape). Needs w or h. " +
             "dpr=2&w=300 is the same request, and the same stored rendition, as w=600.",
        signed: false);

    public static TransformParameter Gravity { get; } = new TransformParameter<Transforms.Gravity>(
        Names.Gravity,
        GravityValue,
        (draft, value) => draft.Gravity = value,
        _ => "What a cover crop keeps: center, a side or corner (north … southwest), smart (libvips' attention-based crop: " +
             "skin tones, saturated colour, edges), focal (the point fp-x, fp-y, or without them the original's own focal point, " +
             "the centre when it has none; kept as close to the crop's centre as the image allows), or auto (the original's " +
             "focal point when it has one, otherwise smart). Sides and corners are those of the output, after rot and flip. Ignored by other fits.",
        keySegment: spec => spec.Gravity switch
        {
            Transforms.Gravity.Center => null,
            Transforms.Gravity.Focal when spec.Focus is { } point => $"fp{FocusValue.Canonical(point.X)}x{FocusValue.Canonical(point.Y)}",
            var gravity => "g" + GravityValue.Canonical(gravity),
        });

    public static TransformParameter FocusX { get; } = new TransformParameter<decimal>(
        Names.FocusX,
        FocusValue,
        (draft, value) => draft.FocusX = value,
        _ => "The focal point's x, 0 (left) to 1 (right) of the upright original, before rot and flip; with fp-y, and with gravity=focal (implied when gravity is not given).");

    public static TransformParameter FocusY { get; } = new TransformParameter<decimal>(
        Names.FocusY,
        FocusValue,
        (draft, value) => draft.FocusY = value,
        _ => "The focal point's y, 0 (top) to 1 (bottom) of the upright original; with fp-x.");

    public static TransformParameter Background { get; } = new TransformParameter<Rgba>(
        Names.Background,
        new ColorValue(),
        (draft, value) => draft.Background = value,
        _ => "Background colour, rrggbb or rrggbbaa: the padding of fit=contain, and what transparency is flattened onto for formats " +
             "without alpha (JPEG; the alpha of the colour is then ignored). Without it: transparent padding where the format has alpha, otherwise white.",
        keySegment: spec => spec.Background is { } colour ? "bg" + colour.ToHex() : null);

    public static TransformParameter Rotation { get; } = new TransformParameter<int>(
        Names.Rotation,
        RotationValue,
        (draft, value) => draft.Rotation = value,
        _ => "Clockwise rotation in degrees, after the EXIF orientation is applied; 90 and 270 swap the sides, and w and h are those of the rotated output.",
        keySegment: spec => spec.Turn.Degrees != 0 ? "r" + RotationValue.Canonical(spec.Turn.Degrees) : null);

    public static TransformParameter Flip { get; } = new TransformParameter<Transforms.Flip>(
        Names.Flip,
        FlipValue,
        (draft, value) => draft.Flip = value,
        _ => "Mirror after rot: h (left–right), v (top–bottom) or hv (both).",
        keySegment: spec => spec.Turn.Mirror ? "fliph" : null);

    public static TransformParameter Blur { get; } = new TransformParameter<decimal>(
        Names.Blur,
        BlurValue,
        (draft, value) => draft.Blur = value,
        _ => "Gaussian blur of the output, sigma in output pixels.",
        keySegment: spec => spec.Blur is { } sigma ? "blur" + BlurValue.Canonical(sigma) : null);

    public static TransformParameter Sharpen { get; } = new TransformParameter<decimal>(
        Names.Sharpen,
        SharpenValue,
        (draft, value) => draft.Sharpen = value,
        _ => "libvips' sharpen (unsharp mask on lightness) after the resize, sigma in output pixels; after blur when both are given.",
        keySegment: spec => spec.Sharpen is { } sigma ? "sharpen" + SharpenValue.Canonical(sigma) : null);

    // No key segment: a preset's rendition is the one its transform spelled out gives, under the same name.
    public static TransformParameter Preset { get; } = new TransformParameter<string>(
        Names.Preset,
        new NameValue(),
        (draft, value) => draft.Preset = value,
        _ => "A transform the site named (Presets:<name>): the same rendition, under the same stored name, as that transform " +
             "spelled out. Only format, sig and exp may be given with it; format then replaces the preset's format.");

    /// <summary>Every parameter, in the canonical order.</summary>
    public static IReadOnlyList<TransformParameter> All { get; } =
        [Width, Height, Fit, Format, Quality, Signature, Expires, Dpr, Gravity, FocusX, FocusY, Background, Rotation, Flip, Blur, Sharpen, Preset];

    private static readonly FrozenDictionary<string, TransformParameter> BySpelling = IndexSpellings();

    /// <summary>The parameter a query name means (its name or an alias, case-insensitive), or null.</summary>
    public static TransformParameter? Find(string name) => BySpelling.GetValueOrDefault(name);

    /// <summary>Every spelling of a parameter that is not its name, with the canonical name it stands for.</summary>
    public static IEnumerable<KeyValuePair<string, string>> AliasNames =>
        All.SelectMany(p => p.Aliases.Select(a => KeyValuePair.Create(a, p.Name)));

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
