using ImageApi.Processing.Transforms;

namespace ImageApi.Processing.Tests.Transforms;

public class TransformParserLimitsTests
{
    private static IEnumerable<KeyValuePair<string, string?>> Query(params (string, string)[] pairs) =>
        pairs.Select(p => new KeyValuePair<string, string?>(p.Item1, p.Item2));

    [Fact]
    public void Allowed_widths_and_heights_are_listed_when_another_is_asked_for()
    {
        var parser = new TransformParser(new RenditionDefaults { AllowedWidths = [640, 320], AllowedHeights = [200] });
        Assert.Equal(320, parser.Parse(Query(("w", "320"))).Request.Width);
        var ex = Assert.Throws<TransformRequestException>(() => parser.Parse(Query(("w", "400"), ("h", "201"))));
        Assert.Equal("one of 320, 640", ex.Errors[0].Allowed);
        Assert.Equal("one of 200", ex.Errors[1].Allowed);
    }

    [Fact]
    public void Expiry_must_be_a_unix_time()
    {
        var parser = new TransformParser(new RenditionDefaults());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000), parser.Parse(Query(("exp", "1800000000"))).Expires);
        foreach (var bad in new[] { "", "-1", "soon", "1e9", "9999999999999" })
        {
            var ex = Assert.Throws<TransformRequestException>(() => parser.Parse(Query(("exp", bad))));
            Assert.Equal("exp", ex.Errors[0].Parameter);
        }
    }

    [Fact]
    public void Too_many_parameters_are_one_error()
    {
        var parser = new TransformParser(new RenditionDefaults());
        var ex = Assert.Throws<TransformRequestException>(() => parser.Parse(Enumerable.Range(0, 5000).Select(i => new KeyValuePair<string, string?>("p" + i, "x"))));
        Assert.Single(ex.Errors);
        Assert.Contains("5000 parameters", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sixteen_parameters_are_read_and_a_seventeenth_is_refused_whole()
    {
        var parser = new TransformParser(new RenditionDefaults());
        var sixteen = Enumerable.Range(0, TransformParser.MaxParameters).Select(i => new KeyValuePair<string, string?>("w", "400")).ToList();
        var read = Assert.Throws<TransformRequestException>(() => parser.Parse(sixteen));
        Assert.Equal("w", Assert.Single(read.Errors).Parameter);

        var refused = Assert.Throws<TransformRequestException>(() => parser.Parse([.. sixteen, new("h", "300")]));
        Assert.Equal("query", Assert.Single(refused.Errors).Parameter);
        Assert.Equal(TransformParameters.AllowedNames, refused.Errors[0].Allowed);
    }

    [Fact]
    public void No_parameters_is_the_default_rendition_every_time_whatever_was_parsed_between()
    {
        var parser = new TransformParser(new RenditionDefaults { Width = 640, Height = 480 });
        var first = parser.Parse([]);
        parser.Parse(Query(("w", "100"), ("fit", "cover"), ("format", "png")));
        var again = parser.Parse(Enumerable.Empty<KeyValuePair<string, string?>>());
        Assert.Equal(first, again);
        Assert.Equal((640, 480, FitMode.Inside), (again.Request.Width, again.Request.Height, again.Request.Fit));
        Assert.Null(again.Signature);
        Assert.Empty(again.Given);
    }
}
