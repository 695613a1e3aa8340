using System.Globalization;

namespace ImageApi.Processing.Transforms;

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
