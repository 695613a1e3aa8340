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
        Assert.Equal(["w", "h", "fit", "format", "q", "sig", "exp", "preset"], TransformParameters.All.Select(p => p.Name));
        Assert.Equal("w, h, fit, format, q, sig, exp, preset", TransformParameters.AllowedNames);
    }

    [Fact]
    public void Signs_every_parameter_but_the_signature_in_the_order_existing_signatures_use()
    {
        Assert.Equal(["w", "h", "fit", "format", "q", "exp", "preset"], TransformParameters.All.Where(p => p.IsSigned).Select(p => p.Name));
    }

    [Fact]
    public void Only_parameters_that_change_the_bytes_have_a_segment_of_the_stored_name()
    {
        // format is the extension; sig and exp only decide whether the request is answered.
        Assert.Equal(["w", "h", "fit", "q"], TransformParameters.All.Where(p => p.InRenditionKey).Select(p => p.Name));
        var spec = new RenditionSpec(400, null, FitMode.Cover, OutputFormats.Png, null);
        Assert.Equal(["w400", "hauto", "cover", null, null, null, null, null], TransformParameters.All.Select(p => p.KeySegment(spec)));
    }

    [Theory]
    [InlineData("w", "w")]
    [InlineData("W", "w")]
    [InlineData("FORMAT", "format")]
    [InlineData("Sig", "sig")]
    [InlineData("width", null)]
    [InlineData("", null)]
    [InlineData("w ", null)]
    public void Finds_a_parameter_by_any_case_of_its_name(string spelling, string? name) =>
        Assert.Equal(name, TransformParameters.Find(spelling)?.Name);

    [Fact]
    public void Numbers_and_case_are_described_for_the_cloudfront_function()
    {
        Assert.Equal(["w", "h", "q", "exp"], TransformParameters.All.Where(p => p.IsNumeric).Select(p => p.Name));
        Assert.Equal(["sig"], TransformParameters.All.Where(p => p.PreservesCase).Select(p => p.Name));
        Assert.All(TransformParameters.All, p => Assert.Empty(p.Aliases));
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
        Assert.Equal(TransformParser.FitValues, schema.Values);
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
