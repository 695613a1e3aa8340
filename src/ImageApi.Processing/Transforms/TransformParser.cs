using ImageApi.Processing.Formats;

namespace ImageApi.Processing.Transforms;

/// <summary>
/// Turns query parameters into a <see cref="TransformRequest"/>, as the parameter table
/// (<see cref="TransformParameters"/>) describes them. Strict on purpose: every distinct accepted
/// spelling is a new rendition to generate and store, so anything ambiguous is refused.
/// </summary>
/// <param name="presets">The site's presets, which <c>preset</c> names; none when not given.</param>
public sealed class TransformParser(RenditionDefaults defaults, TransformPresets? presets = null)
{
    public const string Width = TransformParameters.Names.Width;
    public const string Height = TransformParameters.Names.Height;
    public const string Fit = TransformParameters.Names.Fit;
    public const string Format = TransformParameters.Names.Format;
    public const string Quality = TransformParameters.Names.Quality;
    public const string Signature = TransformParameters.Names.Signature;
    public const string Expires = TransformParameters.Names.Expires;
    public const string Preset = TransformParameters.Names.Preset;
    public const string AutoFormat = TransformParameters.AutoFormat;

    public TransformPresets Presets { get; } = presets ?? TransformPresets.None;

    public static IReadOnlyList<string> FitValues => TransformParameters.FitValue.Names;

    public static IReadOnlyList<string> FormatValues => TransformParameters.FormatValue.Names;

    /// <summary>More than this is not a transform request; it is refused without a list of every error in it.</summary>
    public const int MaxParameters = 16;

    public string AllowedWidths => TransformParameters.Width.Allowed(defaults);

    public string AllowedHeights => TransformParameters.Height.Allowed(defaults);

    public string AllowedExpiries => TransformParameters.Expires.Allowed(defaults);

    public string AllowedQualities => TransformParameters.Quality.Allowed(defaults);

    /// <summary>Parses the parameters; names are case-insensitive, each may appear once under any of its spellings.</summary>
    /// <exception cref="TransformRequestException">One or more parameters are invalid; all are reported, one error per parameter.</exception>
    public ParsedTransform Parse(IEnumerable<KeyValuePair<string, string?>> parameters)
    {
        var given = parameters as IReadOnlyCollection<KeyValuePair<string, string?>> ?? parameters.ToList();
        if (given.Count == 0)
        {
            // The default rendition, asked for without parameters more than any other: the same answer each time.
            return _withoutParameters ??= Parse(given);
        }

        return Parse(given);
    }

    private ParsedTransform? _withoutParameters;

    private ParsedTransform Parse(IReadOnlyCollection<KeyValuePair<string, string?>> given)
    {
        if (given.Count > MaxParameters)
        {
            throw new TransformRequestException([new ParameterError("query", $"The query has {given.Count} parameters; a transform request has at most {MaxParameters}.", TransformParameters.AllowedNames)]);
        }

        // With dpr, w and h are checked against the allowed lists only once it is folded in: w=300&dpr=2
        // asks for 600, and w=300 need not be allowed itself.
        var folding = given.Any(p => TransformParameters.Find(p.Key) == TransformParameters.Dpr);
        var reading = folding ? defaults.WithoutSizeLists() : defaults;
        var draft = new TransformDraft(defaults);
        var signed = new Dictionary<TransformParameter, string>();
        var seen = new HashSet<TransformParameter>();

        // One error per parameter, keyed by the name it is reported under: answers list errors by
        // parameter, and "given twice" says more than whatever was wrong with either value.
        var errors = new Dictionary<string, ParameterError>(StringComparer.Ordinal);
        var order = new List<string>();
        void Report(ParameterError error, bool replace = false)
        {
            if (errors.TryAdd(error.Parameter, error))
            {
                order.Add(error.Parameter);
            }
            else if (replace)
            {
                errors[error.Parameter] = error;
            }
        }

        foreach (var (rawName, rawValue) in given)
        {
            var parameter = TransformParameters.Find(rawName);
            if (parameter is null)
            {
                var shown = Truncate(rawName);
                Report(new ParameterError(shown, $"'{shown}' is not a transform parameter.", TransformParameters.AllowedNames));
                continue;
            }

            if (!seen.Add(parameter))
            {
                var spelled = rawName.Equals(parameter.Name, StringComparison.OrdinalIgnoreCase) ? "" : $" (here as '{Truncate(rawName)}')";
                Report(new ParameterError(parameter.Name, $"'{parameter.Name}' is given more than once{spelled}.", "a single value"), replace: true);
                continue;
            }

            var text = rawValue ?? string.Empty;
            if (parameter.AliasValues.TryGetValue(rawName.ToLowerInvariant(), out var aliasValues))
            {
                var alias = rawName.ToLowerInvariant();
                if (aliasValues.FirstOrDefault(v => v.Key.Equals(text, StringComparison.OrdinalIgnoreCase)).Value is not { } mapped)
                {
                    var values = string.Join(", ", aliasValues.Keys);
                    Report(new ParameterError(parameter.Name, $"'{alias}' (another name of '{parameter.Name}') must be {values}; got '{Truncate(text)}'.", values));
                    continue;
                }

                text = mapped;
            }

            if (parameter.TryApply(text, reading, draft, out var canonical, out var refused))
            {
                if (parameter.IsSigned)
                {
                    signed[parameter] = canonical;
                }
            }
            else
            {
                var allowed = parameter.Allowed(defaults);
                Report(new ParameterError(parameter.Name, $"'{parameter.Name}' must be {allowed}; got {refused}.", allowed));
            }
        }

        if (errors.Count == 0)
        {
            foreach (var error in Combined(draft))
            {
                Report(error);
            }
        }

        if (errors.Count == 0 && draft.Dpr is { } ratio)
        {
            Fold(draft, ratio, signed, Report);
        }

        var request = draft.Preset is { } name && errors.Count == 0
            ? FromPreset(name, draft, seen, Report)
            : TransformRequest.Create(draft, defaults);

        if (errors.Count > 0)
        {
            throw new TransformRequestException([.. order.Select(name => errors[name])]);
        }

        return new ParsedTransform(
            request!,
            draft.Signature,
            draft.Expires is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null,
            SignedQuery(signed))
        {
            Preset = draft.Preset,
            Given = [.. TransformParameters.All.Where(seen.Contains).Select(p => p.Name)],
        };
    }

    /// <summary>The rules that take more than one parameter to break.</summary>
    private static IEnumerable<ParameterError> Combined(TransformDraft draft)
    {
        if (draft.FocusX is null != draft.FocusY is null)
        {
            var (missing, present) = draft.FocusX is null ? (TransformParameters.FocusX, TransformParameters.FocusY) : (TransformParameters.FocusY, TransformParameters.FocusX);
            yield return new ParameterError(missing.Name, $"'{missing.Name}' must be given with '{present.Name}': a focal point has both.", TransformParameters.FocusValue.Allowed(new RenditionDefaults()));
        }

        if (draft.Focus is not null && draft.Gravity is { } gravity && gravity != Gravity.Focal)
        {
            yield return new ParameterError(TransformParameters.Gravity.Name, $"'{TransformParameters.Gravity.Name}' must be focal (or not given) with fp-x and fp-y; got {TransformParameters.GravityValue.Canonical(gravity)}.", "focal");
        }

        if (draft.Dpr is not null && draft.Width is null && draft.Height is null)
        {
            yield return new ParameterError(TransformParameters.Dpr.Name, $"'{TransformParameters.Dpr.Name}' multiplies w and h: give w or h with it.", "w or h with dpr");
        }
    }

    /// <summary>Folds dpr into w and h (<see cref="DevicePixelRatio"/>); they are signed as folded, so dpr=2&amp;w=300 verifies as w=600.</summary>
    private void Fold(TransformDraft draft, decimal ratio, Dictionary<TransformParameter, string> signed, Action<ParameterError, bool> report)
    {
        (draft.Width, draft.Height) = DevicePixelRatio.Fold(draft.Width, draft.Height, ratio, defaults.MaxWidth, defaults.MaxHeight, defaults.AllowedWidths);
        if (draft.Width is { } width)
        {
            signed[TransformParameters.Width] = TransformParameters.WidthValue.Canonical(width);
        }

        if (draft.Height is { } height)
        {
            signed[TransformParameters.Height] = TransformParameters.HeightValue.Canonical(height);
            if (defaults.AllowedHeights.Count > 0 && !defaults.AllowedHeights.Contains(height))
            {
                var allowed = TransformParameters.Height.Allowed(defaults);
                report(new ParameterError(TransformParameters.Height.Name, $"'{TransformParameters.Height.Name}' must be {allowed}; with dpr it is {height}.", allowed), false);
            }
        }
    }
    /// <summary>The named preset's request; <c>format</c>, when given, replaces its format. Any other transform parameter beside it is an error.</summary>
    private TransformRequest? FromPreset(string name, TransformDraft draft, HashSet<TransformParameter> given, Action<ParameterError, bool> report)
    {
        foreach (var other in TransformParameters.All.Where(p => given.Contains(p) && !CombinesWithPreset(p)))
        {
            report(new ParameterError(other.Name, $"'{other.Name}' cannot be given with '{Preset}': a preset fixes the transform; only format, sig and exp may be added.", "format, sig and exp beside preset"), false);
        }

        if (Presets.Find(name) is not { } preset)
        {
            var allowed = "one of the configured presets: " + Presets.Names;
            report(new ParameterError(Preset, $"'{Preset}' must be {allowed}; got '{name}'.", allowed), false);
            return null;
        }

        return given.Contains(TransformParameters.Format) ? preset.Request with { Format = draft.Format } : preset.Request;
    }

    private static bool CombinesWithPreset(TransformParameter parameter) =>
        parameter == TransformParameters.Preset || parameter == TransformParameters.Format || parameter == TransformParameters.Signature || parameter == TransformParameters.Expires;

    // The signed form of each parameter is its canonical name and value, in the table's order, so any
    // accepted spelling of a signed request verifies, and CloudFront's canonicalisation cannot break a signature.
    private static string SignedQuery(Dictionary<TransformParameter, string> signed) =>
        string.Join('&', TransformParameters.All.Where(signed.ContainsKey).Select(p => p.Name + "=" + signed[p]));

    // Echoing a hostile 8 KB name back in every error helps nobody.
    private static string Truncate(string value) => value.Length <= 40 ? value : string.Concat(value.AsSpan(0, 40), "…");
}

/// <summary>A transform request and what came with it that is never part of the rendition.</summary>
/// <param name="Signature">The <c>sig</c> parameter, if any.</param>
/// <param name="Expires">The <c>exp</c> parameter, if any: the signature is valid until then.</param>
/// <param name="SignedQuery">The canonical form of the signed parameters (<c>w=400&amp;fit=cover</c>), what <c>sig</c> covers.</param>
public sealed record ParsedTransform(TransformRequest Request, string? Signature, DateTimeOffset? Expires = null, string SignedQuery = "")
{
    /// <summary>The preset the request named (canonical), if any.</summary>
    public string? Preset { get; init; }

    /// <summary>The canonical names of the parameters the request gave, in the table's order.</summary>
    public IReadOnlyList<string> Given { get; init; } = [];
}

/// <summary>One invalid parameter: its canonical name (or the unknown name as given), what was wrong, and what it accepts.</summary>
public sealed record ParameterError(string Parameter, string Message, string Allowed);

/// <summary>A refused transform request. <see cref="Errors"/> has at most one error per <see cref="ParameterError.Parameter"/>.</summary>
public sealed class TransformRequestException(IReadOnlyList<ParameterError> errors)
    : Exception(string.Join(" ", errors.Select(e => e.Message)))
{
    public IReadOnlyList<ParameterError> Errors { get; } = errors;
}
