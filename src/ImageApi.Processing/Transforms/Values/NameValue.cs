namespace ImageApi.Processing.Transforms;

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
