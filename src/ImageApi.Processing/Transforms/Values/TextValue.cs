namespace ImageApi.Processing.Transforms;

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
