using System.Globalization;

namespace ImageApi.Processing.Transforms;

/// <summary>The JSON Schema type of a parameter's value, as OpenAPI documents it.</summary>
public enum ParameterType
{
    /// <summary>JSON Schema's <c>integer</c>.</summary>
    WholeNumber,
    /// <summary>JSON Schema's <c>string</c>.</summary>
    Text,
    /// <summary>JSON Schema's <c>number</c> (a decimal).</summary>
    Number,
}

/// <summary>
/// What OpenAPI says about one parameter's value. Numbers and enum values are in their canonical
/// spelling; <see cref="Values"/> of an integer parameter are integers written in digits.
/// </summary>
/// <param name="Format">The OpenAPI format (<c>int32</c>, <c>int64</c>), if any.</param>
/// <param name="Values">The only values accepted, when they are a list.</param>
/// <param name="Default">What a request that omits the parameter gets, when that is one value.</param>
public sealed record ParameterSchema(
    ParameterType Type,
    string? Format = null,
    decimal? Minimum = null,
    decimal? Maximum = null,
    IReadOnlyList<string>? Values = null,
    string? Default = null);

/// <summary>
/// How one kind of value is read, spelled canonically and described. Every kind is strict: it accepts
/// one spelling per value (up to case, and leading zeros for numbers), because each accepted spelling
/// that reached the origin as another string would be another cache entry or another signature.
/// </summary>
internal abstract class ParameterValue<T>
{
    /// <summary>Whether the value is a number: CloudFront drops its leading zeros.</summary>
    public abstract bool IsNumeric { get; }

    /// <summary>Whether case is part of the value (a signature): never lower-cased anywhere.</summary>
    public virtual bool PreservesCase => false;

    /// <summary>Other spellings of values (lower-case), each with the canonical value it stands for.</summary>
    public virtual IReadOnlyList<KeyValuePair<string, string>> ValueAliases => [];

    /// <summary>What the parameter accepts, in words: the end of "'w' must be …".</summary>
    public abstract string Allowed(RenditionDefaults defaults);

    public abstract ParameterSchema Schema(RenditionDefaults defaults);

    /// <param name="shown">On failure, the refused value as the error message quotes it.</param>
    public abstract bool TryParse(string text, RenditionDefaults defaults, out T value, out string shown);

    /// <summary>The one spelling of <paramref name="value"/> the signed string and the stored name use.</summary>
    public abstract string Canonical(T value);

    // Digits only: "+400", " 400", "4e2", "400.0" and "0x190" would otherwise all be other spellings
    // of 400. The length cap keeps long.Parse from overflowing and bounds the work on hostile input.
    protected static bool TryParseDigits(string text, int maxDigits, out long number)
    {
        number = 0;
        if (text.Length == 0 || text.Length > maxDigits || !text.All(char.IsAsciiDigit))
        {
            return false;
        }

        number = long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return true;
    }

    // Echoing a hostile 8 KB value back in every error helps nobody.
    protected static string Quote(string value) => "'" + (value.Length <= 40 ? value : string.Concat(value.AsSpan(0, 40), "…")) + "'";
}
