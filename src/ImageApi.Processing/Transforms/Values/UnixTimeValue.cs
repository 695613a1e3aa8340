using System.Globalization;

namespace ImageApi.Processing.Transforms;

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
