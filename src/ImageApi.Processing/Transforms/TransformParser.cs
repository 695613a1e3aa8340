using System.Globalization;

namespace ImageApi.Processing.Transforms;

/// <summary>
/// Turns query parameters into a <see cref="TransformRequest"/>. Strict on purpose: every distinct
/// accepted spelling is a new rendition to generate and store, so anything ambiguous is refused.
/// </summary>
public sealed class TransformParser(RenditionDefaults defaults)
{
    public const string Width = "w";
    public const string Height = "h";
    public const string Fit = "fit";
    public const string Format = "format";
    public const string Quality = "q";
    public const string Signature = "sig";

    public static IReadOnlyList<string> FitValues { get; } = ["inside", "cover", "contain", "fill"];
    public static IReadOnlyList<string> FormatValues { get; } = ["webp", "jpeg", "png", "gif", "auto"];

    // Digits only: "+400", " 400", "4e2" and "400.0" would otherwise all be other spellings of 400.
    private const int MaxDigits = 6;

    public RenditionDefaults Defaults => defaults;

    public string AllowedWidths => $"an integer from 1 to {defaults.MaxWidth}";
    public string AllowedHeights => $"an integer from 1 to {defaults.MaxHeight}";
    public const string AllowedQualities = "an integer from 1 to 100";

    /// <summary>Parses the parameters; names are case-insensitive, each may appear once.</summary>
    /// <exception cref="TransformRequestException">One or more parameters are invalid; all are reported.</exception>
    public ParsedTransform Parse(IEnumerable<KeyValuePair<string, string?>> parameters)
    {
        var errors = new List<ParameterError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int? width = null, height = null;
        var fit = defaults.Fit;
        var format = defaults.Format.AsRequested();
        var quality = defaults.Quality;
        string? signature = null;

        foreach (var (rawName, rawValue) in parameters)
        {
            var name = rawName.ToLowerInvariant();
            var value = rawValue ?? string.Empty;
            if (!seen.Add(name))
            {
                errors.Add(new ParameterError(name, $"'{name}' is given more than once.", "a single value"));
                continue;
            }

            switch (name)
            {
                case Width:
                    width = ParseInt(name, value, 1, defaults.MaxWidth, AllowedWidths, errors);
                    break;
                case Height:
                    height = ParseInt(name, value, 1, defaults.MaxHeight, AllowedHeights, errors);
                    break;
                case Quality:
                    quality = ParseInt(name, value, 1, 100, AllowedQualities, errors) ?? quality;
                    break;
                case Fit:
                    fit = ParseEnum<FitMode>(name, value, FitValues, errors) ?? fit;
                    break;
                case Format:
                    format = ParseEnum<RequestedFormat>(name, value, FormatValues, errors) ?? format;
                    break;
                case Signature:
                    signature = value;
                    break;
                default:
                    errors.Add(new ParameterError(
                        Truncate(rawName),
                        $"'{Truncate(rawName)}' is not a transform parameter.",
                        $"{Width}, {Height}, {Fit}, {Format}, {Quality}, {Signature}"));
                    break;
            }
        }

        if (errors.Count > 0)
        {
            throw new TransformRequestException(errors);
        }

        return new ParsedTransform(TransformRequest.Create(width, height, fit, format, quality, defaults), signature);
    }

    private static int? ParseInt(string name, string value, int min, int max, string allowed, List<ParameterError> errors)
    {
        if (value.Length is 0 or > MaxDigits || !value.All(char.IsAsciiDigit))
        {
            errors.Add(new ParameterError(name, $"'{name}' must be {allowed}; got '{Truncate(value)}'.", allowed));
            return null;
        }

        var number = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
        if (number < min || number > max)
        {
            errors.Add(new ParameterError(name, $"'{name}' must be {allowed}; got {number}.", allowed));
            return null;
        }

        return number;
    }

    private static T? ParseEnum<T>(string name, string value, IReadOnlyList<string> allowed, List<ParameterError> errors)
        where T : struct, Enum
    {
        var lower = value.ToLowerInvariant();
        if (allowed.Contains(lower) && Enum.TryParse<T>(lower, ignoreCase: true, out var parsed))
        {
            return parsed;
        }

        var list = string.Join(", ", allowed);
        errors.Add(new ParameterError(name, $"'{name}' must be one of {list}; got '{Truncate(value)}'.", list));
        return null;
    }

    // Echoing a hostile 8 KB value back in every error helps nobody.
    private static string Truncate(string value) => value.Length <= 40 ? value : string.Concat(value.AsSpan(0, 40), "…");
}

/// <summary>A transform request and the signature that came with it (never part of the rendition).</summary>
public sealed record ParsedTransform(TransformRequest Request, string? Signature);

/// <summary>One invalid parameter: its name, what was wrong, and what it accepts.</summary>
public sealed record ParameterError(string Parameter, string Message, string Allowed);

public sealed class TransformRequestException(IReadOnlyList<ParameterError> errors)
    : Exception(string.Join(" ", errors.Select(e => e.Message)))
{
    public IReadOnlyList<ParameterError> Errors { get; } = errors;
}
