using System.Globalization;

namespace ImageApi.Processing.Transforms;

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
