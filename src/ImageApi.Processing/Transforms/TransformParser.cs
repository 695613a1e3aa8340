using System.Globalization;
using ImageApi.Processing.Formats;

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
    public const string Expires = "exp";

    // The parameters a signature covers, in the order they are signed.
    private static readonly string[] SignedOrder = [Width, Height, Fit, Format, Quality, Expires];

    public static IReadOnlyList<string> FitValues { get; } = ["inside", "cover", "contain", "fill"];
    public const string AutoFormat = "auto";

    public static IReadOnlyList<string> FormatValues { get; } = [.. OutputFormats.All.Select(f => f.Name), AutoFormat];

    // Digits only: "+400", " 400", "4e2" and "400.0" would otherwise all be other spellings of 400.
    private const int MaxDigits = 6;

    /// <summary>More than this is not a transform request; it is refused without a list of every error in it.</summary>
    public const int MaxParameters = 16;

    public string AllowedWidths => defaults.AllowedWidths.Count > 0
        ? "one of " + string.Join(", ", defaults.AllowedWidths.Order())
        : $"an integer from 1 to {defaults.MaxWidth}";

    public string AllowedHeights => defaults.AllowedHeights.Count > 0
        ? "one of " + string.Join(", ", defaults.AllowedHeights.Order())
        : $"an integer from 1 to {defaults.MaxHeight}";

    public const string AllowedExpiries = "a Unix time in seconds";
    public const string AllowedQualities = "an integer from 1 to 100";

    /// <summary>Parses the parameters; names are case-insensitive, each may appear once.</summary>
    /// <exception cref="TransformRequestException">One or more parameters are invalid; all are reported.</exception>
    public ParsedTransform Parse(IEnumerable<KeyValuePair<string, string?>> parameters)
    {
        var errors = new List<ParameterError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int? width = null, height = null;
        var fit = defaults.Fit;
        var format = defaults.OutputFormat;
        int? quality = null;
        string? signature = null;
        long? expires = null;
        var signed = new SortedDictionary<int, string>();

        var given = parameters as IReadOnlyCollection<KeyValuePair<string, string?>> ?? parameters.ToList();
        if (given.Count > MaxParameters)
        {
            throw new TransformRequestException([new ParameterError("query", $"The query has {given.Count} parameters; a transform request has at most {MaxParameters}.", $"{Width}, {Height}, {Fit}, {Format}, {Quality}, {Signature}, {Expires}")]);
        }

        foreach (var (rawName, rawValue) in given)
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
                    width = ParseDimension(name, value, defaults.MaxWidth, defaults.AllowedWidths, AllowedWidths, errors);
                    Sign(signed, name, width);
                    break;
                case Height:
                    height = ParseDimension(name, value, defaults.MaxHeight, defaults.AllowedHeights, AllowedHeights, errors);
                    Sign(signed, name, height);
                    break;
                case Quality:
                    var q = ParseInt(name, value, 1, 100, AllowedQualities, errors);
                    quality = q;
                    Sign(signed, name, q);
                    break;
                case Fit:
                    var f = ParseEnum<FitMode>(name, value, FitValues, errors);
                    fit = f ?? fit;
                    Sign(signed, name, f?.ToString());
                    break;
                case Format:
                    var lower = value.ToLowerInvariant();
                    if (FormatValues.Contains(lower))
                    {
                        format = OutputFormats.Find(lower);
                        Sign(signed, name, lower);
                    }
                    else
                    {
                        errors.Add(new ParameterError(name, $"'{name}' must be one of {string.Join(", ", FormatValues)}; got '{Truncate(value)}'.", string.Join(", ", FormatValues)));
                    }

                    break;
                case Expires:
                    expires = ParseExpiry(value, errors);
                    Sign(signed, name, expires);
                    break;
                case Signature:
                    signature = value;
                    break;
                default:
                    errors.Add(new ParameterError(
                        Truncate(rawName),
                        $"'{Truncate(rawName)}' is not a transform parameter.",
                        $"{Width}, {Height}, {Fit}, {Format}, {Quality}, {Signature}, {Expires}"));
                    break;
            }
        }

        if (errors.Count > 0)
        {
            throw new TransformRequestException(errors);
        }

        return new ParsedTransform(
            TransformRequest.Create(width, height, fit, format, quality, defaults),
            signature,
            expires is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null,
            string.Join('&', signed.Values));
    }

    // The signed form of each parameter is its canonical value, so any accepted spelling of a signed
    // request verifies, and CloudFront's canonicalisation cannot break a signature.
    private static void Sign<T>(SortedDictionary<int, string> signed, string name, T? value)
    {
        if (value is not null)
        {
            var text = value is IFormattable formattable ? formattable.ToString(null, CultureInfo.InvariantCulture) : value.ToString()!;
            signed[Array.IndexOf(SignedOrder, name)] = name + "=" + text.ToLowerInvariant();
        }
    }

    private static int? ParseDimension(string name, string value, int max, ICollection<int> allowedValues, string allowed, List<ParameterError> errors)
    {
        var number = ParseInt(name, value, 1, max, allowed, errors);
        if (number is { } n && allowedValues.Count > 0 && !allowedValues.Contains(n))
        {
            errors.Add(new ParameterError(name, $"'{name}' must be {allowed}; got {n}.", allowed));
            return null;
        }

        return number;
    }

    private static long? ParseExpiry(string value, List<ParameterError> errors)
    {
        if (value.Length is > 0 and <= 12 && value.All(char.IsAsciiDigit))
        {
            return long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
        }

        errors.Add(new ParameterError(Expires, $"'{Expires}' must be {AllowedExpiries}; got '{Truncate(value)}'.", AllowedExpiries));
        return null;
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

/// <summary>A transform request and what came with it that is never part of the rendition.</summary>
/// <param name="Signature">The <c>sig</c> parameter, if any.</param>
/// <param name="Expires">The <c>exp</c> parameter, if any: the signature is valid until then.</param>
/// <param name="SignedQuery">The canonical form of the signed parameters (<c>w=400&amp;fit=cover</c>), what <c>sig</c> covers.</param>
public sealed record ParsedTransform(TransformRequest Request, string? Signature, DateTimeOffset? Expires = null, string SignedQuery = "");

/// <summary>One invalid parameter: its name, what was wrong, and what it accepts.</summary>
public sealed record ParameterError(string Parameter, string Message, string Allowed);

public sealed class TransformRequestException(IReadOnlyList<ParameterError> errors)
    : Exception(string.Join(" ", errors.Select(e => e.Message)))
{
    public IReadOnlyList<ParameterError> Errors { get; } = errors;
}
