using ImageApi.Processing.Formats;
using ImageApi.Processing.Transforms;

namespace ImageApi.Processing.Tests.Transforms;

/// <summary><c>Renditions:AllowedQualities</c> and <c>Renditions:AllowedFormats</c>, like <c>AllowedWidths</c>: the parser refuses the rest.</summary>
public class AllowedValuesTests
{
    private static IEnumerable<KeyValuePair<string, string?>> Query(params (string, string)[] pairs) =>
        pairs.Select(p => new KeyValuePair<string, string?>(p.Item1, p.Item2));

    [Fact]
    public void Allowed_qualities_are_the_only_q_values_accepted_and_are_listed()
    {
        var parser = new TransformParser(new RenditionDefaults { AllowedQualities = [90, 60] });
        Assert.Equal(60, parser.Parse(Query(("q", "60"))).Request.Quality);
        Assert.Equal(60, parser.Parse(Query(("q", "060"))).Request.Quality);
        var ex = Assert.Throws<TransformRequestException>(() => parser.Parse(Query(("q", "61"))));
        Assert.Equal("q", ex.Errors[0].Parameter);
        Assert.Equal("one of 60, 90", ex.Errors[0].Allowed);
        Assert.Equal("one of 60, 90", parser.AllowedQualities);
    }

    [Fact]
    public void Allowed_formats_are_the_only_format_values_accepted_and_are_listed()
    {
        var parser = new TransformParser(new RenditionDefaults { AllowedFormats = ["jpeg", "auto", "webp"] });
        Assert.Equal(OutputFormats.Jpeg, parser.Parse(Query(("format", "JPEG"))).Request.Format);
        Assert.True(parser.Parse(Query(("format", "auto"))).Request.IsAuto);
        var ex = Assert.Throws<TransformRequestException>(() => parser.Parse(Query(("format", "png"))));
        Assert.Equal("format", ex.Errors[0].Parameter);
        Assert.Equal("one of webp, jpeg, auto", ex.Errors[0].Allowed);
    }

    [Fact]
    public void Without_lists_every_quality_and_format_is_accepted()
    {
        var parser = new TransformParser(new RenditionDefaults());
        Assert.Equal(37, parser.Parse(Query(("q", "37"))).Request.Quality);
        Assert.Equal(OutputFormats.Png, parser.Parse(Query(("format", "png"))).Request.Format);
    }

    [Fact]
    public void The_openapi_schema_lists_only_the_allowed_values()
    {
        var defaults = new RenditionDefaults { AllowedQualities = [75], AllowedFormats = ["avif"] };
        Assert.Equal(["75"], TransformParameters.Quality.Schema(defaults).Values);
        Assert.Equal(["avif"], TransformParameters.Format.Schema(defaults).Values);
    }
}
