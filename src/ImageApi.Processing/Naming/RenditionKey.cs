using ImageApi.Processing.Transforms;

namespace ImageApi.Processing.Naming;

/// <summary>
/// The destination key of one rendition: <c>processed/&lt;source key&gt;/&lt;variant&gt;.&lt;ext&gt;</c>.
/// Every parameter that changes the bytes is in the variant, defaults included, in the order of the
/// parameter table (<see cref="TransformParameters"/>): <c>w400-hauto-inside-q80.webp</c> — so one
/// output has exactly one name, however the request spelled it. A marked rendition ends with its
/// watermark's fingerprint (<c>w400-hauto-inside-q80-wm3fa9c01b2e.webp</c>), so a new mark or a new
/// setting gives every rendition a new name and none made with the old one is served again.
/// </summary>
public sealed record RenditionKey
{
    public const string Prefix = "processed/";

    public RenditionKey(SourceKey source, RenditionSpec spec)
    {
        Source = source;
        Spec = spec;
        Value = PrefixFor(source) + Variant(spec) + "." + spec.Format.Extension;
    }

    public SourceKey Source { get; }
    public RenditionSpec Spec { get; }
    public string Value { get; }

    public override string ToString() => Value;

    /// <summary>The folder that holds every rendition of one original.</summary>
    public static string PrefixFor(SourceKey source) => Prefix + source.Value + "/";

    /// <summary>
    /// Whether <paramref name="key"/> is a rendition of <paramref name="source"/> itself, not of an
    /// original whose key merely starts the same way (<c>a/b</c> under <c>a</c>).
    /// </summary>
    public static bool BelongsTo(string key, SourceKey source)
    {
        var prefix = PrefixFor(source);
        return key.StartsWith(prefix, StringComparison.Ordinal) && key.IndexOf('/', prefix.Length) < 0;
    }


    /// <summary>
    /// Whether the rendition stored under <paramref name="key"/> was cut with the original's own focal
    /// point (<c>gravity=focal</c> without coordinates, or <c>auto</c>), so it is stale once that point changes.
    /// </summary>
    public static bool UsesOriginalFocalPoint(string key)
    {
        var name = key[(key.LastIndexOf('/') + 1)..];
        var dot = name.LastIndexOf('.');
        var segments = (dot < 0 ? name : name[..dot]).Split('-');
        return !IsServiceFile(key) && OriginalFocalPointSegments.Any(segments.Contains);
    }

    private static readonly string[] OriginalFocalPointSegments = [.. new[] { Gravity.Focal, Gravity.Auto }
        .Select(g => TransformParameters.Gravity.KeySegment(new RenditionSpec(1, 1, FitMode.Cover, Processing.Formats.OutputFormats.Png, null) { Gravity = g })!)];

    /// <summary>The service's own files beside the renditions (names starting with '_'): not renditions, never served as such.</summary>
    public static bool IsServiceFile(string key) => key.AsSpan(key.LastIndexOf('/') + 1).StartsWith("_", StringComparison.Ordinal);

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>The segment that names a watermark's fingerprint, always the variant's last.</summary>
    public const string WatermarkSegmentPrefix = "wm";

    /// <summary>The fingerprint of the watermark a stored rendition carries, or null for an unmarked one (or a key that is not a rendition).</summary>
    public static string? WatermarkOf(string key)
    {
        var name = key.AsSpan(key.LastIndexOf('/') + 1);
        var dot = name.LastIndexOf('.');
        var variant = dot < 0 ? name : name[..dot];
        var segment = variant[(variant.LastIndexOf('-') + 1)..];
        return segment.Length == WatermarkSegmentPrefix.Length + Watermarks.WatermarkPolicy.FingerprintLength
            && segment.StartsWith(WatermarkSegmentPrefix, StringComparison.Ordinal)
            && !segment[WatermarkSegmentPrefix.Length..].ContainsAnyExcept(LowerHex)
            ? segment[WatermarkSegmentPrefix.Length..].ToString()
            : null;
    }

    // The segments come from the parameter table, in its order; a parameter without a segment for this
    // spec (quality of a lossless format) leaves no empty "--" behind. The watermark comes last, outside
    // the table: no parameter can name it.
    private static string Variant(RenditionSpec spec) =>
        string.Join('-', TransformParameters.All.Select(p => p.KeySegment(spec)).OfType<string>()
            .Concat(spec.Watermark is { } mark ? [WatermarkSegmentPrefix + mark.Fingerprint] : []));
}
