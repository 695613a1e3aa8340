namespace ImageApi.Processing.Transforms;

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
