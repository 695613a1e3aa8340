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

/// <summary>An integer from <c>min</c> to a configured maximum, optionally restricted to a configured list.</summary>
internal sealed class IntegerValue(int min, Func<RenditionDefaults, int> max, Func<RenditionDefaults, ICollection<int>>? only = null)
    : ParameterValue<int>
{
    // Six digits reach every maximum a box or quality can have; a seventh is already out of range.
    private const int MaxDigits = 6;

    public override bool IsNumeric => true;

    public override string Allowed(RenditionDefaults defaults)
    {
        var list = only?.Invoke(defaults);
        return list is { Count: > 0 }
            ? "one of " + string.Join(", ", list.Order().Select(Canonical))
            : $"an integer from {min} to {max(defaults)}";
    }

    public override ParameterSchema Schema(RenditionDefaults defaults)
    {
        var list = only?.Invoke(defaults);
        return new ParameterSchema(
            ParameterType.WholeNumber,
            "int32",
            min,
            max(defaults),
            list is { Count: > 0 } ? [.. list.Order().Select(Canonical)] : null);
    }

    public override bool TryParse(string text, RenditionDefaults defaults, out int value, out string shown)
    {
        value = 0;
        if (!TryParseDigits(text, MaxDigits, out var number))
        {
            shown = Quote(text);
            return false;
        }

        // Out-of-range numbers are shown canonically ("got 4097", not "got '04097'").
        shown = number.ToString(CultureInfo.InvariantCulture);
        var list = only?.Invoke(defaults);
        if (number < min || number > max(defaults) || (list is { Count: > 0 } && !list.Contains((int)number)))
        {
            return false;
        }

        value = (int)number;
        return true;
    }

    public override string Canonical(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A Unix time in whole seconds.</summary>
internal sealed class UnixTimeValue : ParameterValue<long>
{
    // The last second a DateTimeOffset can hold (9999-12-31T23:59:59Z); later is a mistake, not a time.
    public const long Maximum = 253_402_300_799;

    // Twelve digits hold the maximum; the cap bounds the parse before the range is checked.
    private const int MaxDigits = 12;

    public override bool IsNumeric => true;

    public override string Allowed(RenditionDefaults defaults) => $"a Unix time in seconds, from 0 to {Maximum}";

    public override ParameterSchema Schema(RenditionDefaults defaults) => new(ParameterType.WholeNumber, "int64", 0, Maximum);

    public override bool TryParse(string text, RenditionDefaults defaults, out long value, out string shown)
    {
        shown = Quote(text);
        return TryParseDigits(text, MaxDigits, out value) && value <= Maximum;
    }

    public override string Canonical(long value) => value.ToString(CultureInfo.InvariantCulture);
}

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

/// <summary>
/// A decimal number from <c>min</c> to <c>max</c> with at most <c>decimals</c> significant decimals:
/// digits, optionally a point and more digits ("1.5", "01.50" and "1.5" are one value; ".5", "1." and
/// "1e0" are refused). Canonically without leading or trailing zeros, as the CloudFront Function writes it.
/// </summary>
internal sealed class DecimalValue(decimal min, decimal max, int decimals) : ParameterValue<decimal>
{
    public decimal Minimum => min;

    public decimal Maximum => max;

    public int Decimals => decimals;

    // Enough for any value of this table with trailing zeros; more is not a number a person wrote.
    private const int MaxLength = 12;

    public override bool IsNumeric => true;

    public override string Allowed(RenditionDefaults defaults) =>
        $"a number from {Canonical(min)} to {Canonical(max)} with at most {decimals} decimal{(decimals == 1 ? "" : "s")}";

    public override ParameterSchema Schema(RenditionDefaults defaults) => new(ParameterType.Number, Minimum: min, Maximum: max);

    public override bool TryParse(string text, RenditionDefaults defaults, out decimal value, out string shown)
    {
        value = 0;
        shown = Quote(text);
        var point = text.IndexOf('.', StringComparison.Ordinal);
        var whole = point < 0 ? text : text[..point];
        var fraction = point < 0 ? "" : text[(point + 1)..];
        if (text.Length > MaxLength || whole.Length == 0 || !whole.All(char.IsAsciiDigit)
            || (point >= 0 && (fraction.Length == 0 || !fraction.All(char.IsAsciiDigit))))
        {
            return false;
        }

        var number = decimal.Parse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        shown = Canonical(number);
        if (fraction.TrimEnd('0').Length > decimals || number < min || number > max)
        {
            return false;
        }

        value = number;
        return true;
    }

    public override string Canonical(decimal value) => value.ToString("0.############", CultureInfo.InvariantCulture);
}

/// <summary>A colour as hex digits: <c>rrggbb</c>, or <c>rrggbbaa</c> with alpha; case-insensitive, canonically lower-case and without an opaque alpha.</summary>
internal sealed class ColorValue : ParameterValue<Rgba>
{
    public override bool IsNumeric => false;

    public override string Allowed(RenditionDefaults defaults) => "6 hex digits (rrggbb) or 8 with alpha (rrggbbaa)";

    public override ParameterSchema Schema(RenditionDefaults defaults) => new(ParameterType.Text);

    public override bool TryParse(string text, RenditionDefaults defaults, out Rgba value, out string shown)
    {
        shown = Quote(text);
        return Rgba.TryParse(text, out value);
    }

    public override string Canonical(Rgba value) => value.ToHex();
}

/// <summary>Opaque text taken as given (a signature): its case matters and it has no canonical rewrite.</summary>
internal sealed class TextValue : ParameterValue<string>
{
    public override bool IsNumeric => false;

    public override bool PreservesCase => true;

    public override string Allowed(RenditionDefaults defaults) => "any text";

    public override ParameterSchema Schema(RenditionDefaults defaults) => new(ParameterType.Text);

    public override bool TryParse(string text, RenditionDefaults defaults, out string value, out string shown)
    {
        value = text;
        shown = Quote(text);
        return true;
    }

    public override string Canonical(string value) => value;
}

/// <summary>A name (of a preset): letters, digits, '-' and '_', case-insensitive, canonically lower-case.</summary>
internal sealed class NameValue : ParameterValue<string>
{
    public const int MaxLength = 40;

    public override bool IsNumeric => false;

    public override string Allowed(RenditionDefaults defaults) => $"a name of letters, digits, '-' and '_' (at most {MaxLength})";

    public override ParameterSchema Schema(RenditionDefaults defaults) => new(ParameterType.Text);

    public override bool TryParse(string text, RenditionDefaults defaults, out string value, out string shown)
    {
        shown = Quote(text);
        value = text.ToLowerInvariant();
        return IsName(text);
    }

    public override string Canonical(string value) => value;

    public static bool IsName(string text) =>
        text.Length is > 0 and <= MaxLength && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
