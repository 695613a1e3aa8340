using ImageApi.Processing.Formats;
using ImageApi.Processing.Transforms;

namespace ImageApi.Processing.Tests.Transforms;

/// <summary>The parameter table itself: what the parser, the stored name, the signer and Swagger are made from.</summary>
public class TransformParametersTests
{
    private static readonly RenditionDefaults Defaults = new();

    [Fact]
    public void Lists_the_parameters_in_the_canonical_order()
    {
        // The first seven in the order existing signatures and stored names use; new ones after them.
        Assert.Equal(["w", "h", "fit", "format", "q", "sig", "exp", "dpr", "gravity", "fp-x", "fp-y", "bg", "rot", "flip", "blur", "sharpen", "preset"], TransformParameters.All.Select(p => p.Name));
        Assert.Equal("w (width), h (height), fit, format (fm, auto), q (quality), sig, exp, dpr, gravity, fp-x, fp-y, bg, rot, flip, blur, sharpen, preset", TransformParameters.AllowedNames);
    }

    [Fact]
    public void Signs_every_parameter_but_the_signature_in_the_order_existing_signatures_use()
    {
        // dpr is signed as the w and h it makes.
        Assert.Equal(["w", "h", "fit", "format", "q", "exp", "gravity", "fp-x", "fp-y", "bg", "rot", "flip", "blur", "sharpen", "preset"], TransformParameters.All.Where(p => p.IsSigned).Select(p => p.Name));
    }

    [Fact]
    public void Only_parameters_that_change_the_bytes_have_a_segment_of_the_stored_name()
    {
        // format is the extension; sig and exp only decide whether the request is answered; dpr is
        // folded into w and h; the focal point's coordinates are gravity's segment.
        Assert.Equal(["w", "h", "fit", "q", "gravity", "bg", "rot", "flip", "blur", "sharpen"], TransformParameters.All.Where(p => p.InRenditionKey).Select(p => p.Name));
        var spec = new RenditionSpec(400, null, FitMode.Cover, OutputFormats.Png, null);
        Assert.Equal(["w400", "hauto", "cover", null, null, null, null, null, null, null, null, null, null, null, null, null, null], TransformParameters.All.Select(p => p.KeySegment(spec)));
        var everything = spec with { Gravity = Gravity.Focal, Focus = new FocalPoint(0.25m, 0.5m), Background = new Rgba(0, 0, 0, 0xcc), Turn = new Turn(90, true), Blur = 1.5m, Sharpen = 2m };
        Assert.Equal(["w400", "hauto", "cover", null, null, null, null, null, "fp0.25x0.5", null, null, "bg000000cc", "r90", "fliph", "blur1.5", "sharpen2", null], TransformParameters.All.Select(p => p.KeySegment(everything)));
    }

    [Theory]
    [InlineData("w", "w")]
    [InlineData("W", "w")]
    [InlineData("FORMAT", "format")]
    [InlineData("Sig", "sig")]
    [InlineData("width", "w")]
    [InlineData("HEIGHT", "h")]
    [InlineData("quality", "q")]
    [InlineData("fm", "format")]
    [InlineData("auto", "format")]
    [InlineData("FP-X", "fp-x")]
    [InlineData("size", null)]
    [InlineData("", null)]
    [InlineData("w ", null)]
    public void Finds_a_parameter_by_any_case_of_its_name(string spelling, string? name) =>
        Assert.Equal(name, TransformParameters.Find(spelling)?.Name);

    [Fact]
    public void Numbers_and_case_are_described_for_the_cloudfront_function()
    {
        Assert.Equal(["w", "h", "q", "exp", "dpr", "fp-x", "fp-y", "rot", "blur", "sharpen"], TransformParameters.All.Where(p => p.IsNumeric).Select(p => p.Name));
        Assert.Equal(["sig"], TransformParameters.All.Where(p => p.PreservesCase).Select(p => p.Name));
        Assert.Equal(["width→w", "height→h", "fm→format", "auto→format", "quality→q"], TransformParameters.AliasNames.Select(a => $"{a.Key}→{a.Value}"));
        Assert.Equal(["format→auto"], TransformParameters.Format.AliasValues["auto"].Select(v => $"{v.Key}→{v.Value}"));
        Assert.Equal(["max→inside", "clip→inside", "crop→cover", "min→cover"], TransformParameters.Fit.ValueAliases.Select(v => $"{v.Key}→{v.Value}"));
    }

    [Fact]
    public void Format_values_are_the_registry_and_auto()
    {
        Assert.Equal([.. OutputFormats.All.Select(f => f.Name), "auto"], TransformParser.FormatValues);
        Assert.Contains("avif", TransformParser.FormatValues);
        var schema = TransformParameters.Format.Schema(Defaults);
        Assert.Equal(ParameterType.Text, schema.Type);
        Assert.Equal(TransformParser.FormatValues, schema.Values);
        Assert.Equal("webp", schema.Default);
        Assert.Equal("jpeg", TransformParameters.Format.Schema(new RenditionDefaults { Format = "jpeg" }).Default);
    }

    [Fact]
    public void Fit_values_are_the_fit_modes()
    {
        Assert.Equal(["inside", "cover", "contain", "fill"], TransformParser.FitValues);
        var schema = TransformParameters.Fit.Schema(new RenditionDefaults { Fit = FitMode.Cover });
        Assert.Equal(ParameterType.Text, schema.Type);

        // The aliases are values a request may send, so the schema lists them; the description says what they mean.
        Assert.Equal([.. TransformParser.FitValues, "max", "clip", "crop", "min"], schema.Values);
        Assert.Contains("max (inside)", TransformParameters.Fit.Description(Defaults), StringComparison.Ordinal);
        Assert.Equal("one of inside, cover, contain, fill (max, clip for inside; crop, min for cover)", TransformParameters.Fit.Allowed(Defaults));
        Assert.Equal("cover", schema.Default);
    }

    [Fact]
    public void Integer_schemas_carry_the_configured_limits()
    {
        var defaults = new RenditionDefaults { MaxWidth = 2000, MaxHeight = 1000 };
        Assert.Equal(new ParameterSchema(ParameterType.WholeNumber, "int32", 1, 2000), TransformParameters.Width.Schema(defaults));
        Assert.Equal(new ParameterSchema(ParameterType.WholeNumber, "int32", 1, 1000), TransformParameters.Height.Schema(defaults));
        Assert.Equal(new ParameterSchema(ParameterType.WholeNumber, "int32", 1, 100), TransformParameters.Quality.Schema(defaults));
        Assert.Equal(ParameterType.WholeNumber, TransformParameters.Expires.Schema(defaults).Type);
        Assert.Equal("int64", TransformParameters.Expires.Schema(defaults).Format);
        Assert.Equal(ParameterType.Text, TransformParameters.Signature.Schema(defaults).Type);
    }

    [Fact]
    public void Decimal_schemas_carry_their_ranges()
    {
        Assert.Equal(new ParameterSchema(ParameterType.Number, Minimum: 1, Maximum: 3), TransformParameters.Dpr.Schema(Defaults));
        Assert.Equal(new ParameterSchema(ParameterType.Number, Minimum: 0, Maximum: 1), TransformParameters.FocusX.Schema(Defaults));
        Assert.Equal(new ParameterSchema(ParameterType.Number, Minimum: 0.3m, Maximum: 100), TransformParameters.Blur.Schema(Defaults));
        Assert.Equal(new ParameterSchema(ParameterType.Number, Minimum: 0.5m, Maximum: 10), TransformParameters.Sharpen.Schema(Defaults));
        Assert.Equal(["0", "90", "180", "270"], TransformParameters.Rotation.Schema(Defaults).Values);
        Assert.Equal(["h", "v", "hv"], TransformParameters.Flip.Schema(Defaults).Values);
        Assert.Equal("center", TransformParameters.Gravity.Schema(Defaults).Default);
        Assert.Equal(["center", "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "smart", "focal", "auto"], TransformParameters.Gravity.Schema(Defaults).Values);
    }

    [Fact]
    public void Allowed_widths_become_the_schema_enum_and_the_allowed_text()
    {
        var defaults = new RenditionDefaults { AllowedWidths = [640, 320] };
        Assert.Equal(["320", "640"], TransformParameters.Width.Schema(defaults).Values);
        Assert.Equal("one of 320, 640", TransformParameters.Width.Allowed(defaults));
        Assert.Null(TransformParameters.Height.Schema(defaults).Values);
    }

    [Fact]
    public void Descriptions_follow_the_configuration_and_the_registry()
    {
        Assert.Contains("default 1000×500 box", TransformParameters.Width.Description(new RenditionDefaults { Width = 1000, Height = 500 }), StringComparison.Ordinal);
        var quality = TransformParameters.Quality.Description(new RenditionDefaults { Quality = 75 });
        Assert.Contains("75 for webp and jpeg", quality, StringComparison.Ordinal);
        Assert.Contains($"{OutputFormats.Avif.DefaultQuality} for avif", quality, StringComparison.Ordinal);
        Assert.Contains("png and gif ignore it", quality, StringComparison.Ordinal);
        Assert.Contains("Vary: Accept", TransformParameters.Format.Description(Defaults), StringComparison.Ordinal);
        Assert.Contains("Also spelled fm, auto (auto=format is format=auto)", TransformParameters.Format.Description(Defaults), StringComparison.Ordinal);
        Assert.Contains("Also spelled width", TransformParameters.Width.Description(Defaults), StringComparison.Ordinal);
        Assert.All(TransformParameters.All, p => Assert.False(string.IsNullOrWhiteSpace(p.Description(Defaults)), p.Name));
    }

    [Fact]
    public void Every_allowed_text_is_what_a_refusal_says()
    {
        var parser = new TransformParser(Defaults);
        foreach (var parameter in TransformParameters.All.Where(p => p != TransformParameters.Signature))
        {
            var ex = Assert.Throws<TransformRequestException>(() => parser.Parse([new(parameter.Name, "!")]));
            var error = Assert.Single(ex.Errors);
            Assert.Equal(parameter.Allowed(Defaults), error.Allowed);
            Assert.Equal($"'{parameter.Name}' must be {error.Allowed}; got '!'.", error.Message);
        }
    }
}
