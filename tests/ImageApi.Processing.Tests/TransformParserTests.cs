using ImageApi.Processing.Naming;
using ImageApi.Processing.Transforms;

namespace ImageApi.Processing.Tests;

public class TransformParserTests
{
    private static readonly RenditionDefaults Defaults = new();
    private readonly TransformParser _parser = new(Defaults);

    private static KeyValuePair<string, string?>[] Query(string query) =>
        query.Length == 0
            ? []
            : query.Split('&').Select(part =>
            {
                var eq = part.IndexOf('=', StringComparison.Ordinal);
                return eq < 0
                    ? new KeyValuePair<string, string?>(part, null)
                    : new KeyValuePair<string, string?>(part[..eq], part[(eq + 1)..]);
            }).ToArray();

    private TransformRequest Parse(string query) => _parser.Parse(Query(query)).Request;

    private static string KeyFor(TransformRequest request, bool acceptsWebp = true, bool alpha = false) =>
        new RenditionKey(SourceKey.Parse("uploads/a/cat.jpg"), request.Resolve(acceptsWebp, alpha)).Value;

    [Fact]
    public void No_parameters_is_the_default_rendition()
    {
        var request = Parse("");
        Assert.Equal(new TransformRequest(800, 800, FitMode.Inside, RequestedFormat.Webp, 80), request);
        Assert.Equal(TransformRequest.Default(Defaults), request);
        Assert.Equal("processed/uploads/a/cat.jpg/w800-h800-inside-q80.webp", KeyFor(request));
    }

    [Theory]
    [InlineData("w=400&h=300&fit=cover&format=jpeg&q=70", "q=70&format=jpeg&fit=cover&h=300&w=400")]
    [InlineData("w=400&h=300&fit=cover&format=jpeg&q=70", "W=400&H=300&FIT=Cover&Format=JPEG&Q=70")]
    [InlineData("w=400&h=300&fit=cover&format=jpeg&q=70", "w=0400&h=300&fit=COVER&format=jpeg&q=070")]
    [InlineData("", "w=800&h=800&fit=inside&format=webp&q=80")]
    [InlineData("w=400", "w=400&fit=cover")]
    [InlineData("w=400", "w=400&fit=fill&format=webp&q=80")]
    [InlineData("format=png", "format=png&q=20")]
    [InlineData("w=400", "w=400&sig=abc")]
    public void Spelling_order_and_explicit_defaults_make_one_rendition(string a, string b) =>
        Assert.Equal(KeyFor(Parse(a)), KeyFor(Parse(b)));

    [Theory]
    [InlineData("w=400", "w=401")]
    [InlineData("w=400", "h=400")]
    [InlineData("w=400&h=400", "w=400&h=400&fit=cover")]
    [InlineData("q=80", "q=81")]
    [InlineData("format=webp", "format=jpeg")]
    public void Different_outputs_have_different_names(string a, string b) =>
        Assert.NotEqual(KeyFor(Parse(a)), KeyFor(Parse(b)));

    [Theory]
    [InlineData(true, false, "webp")]
    [InlineData(false, false, "jpg")]
    [InlineData(false, true, "png")]
    public void Auto_resolves_on_accept_and_transparency(bool acceptsWebp, bool alpha, string extension)
    {
        var request = Parse("format=auto&w=300");
        Assert.EndsWith("." + extension, KeyFor(request, acceptsWebp, alpha), StringComparison.Ordinal);
        Assert.Equal(KeyFor(Parse("format=" + (extension == "jpg" ? "jpeg" : extension) + "&w=300"), acceptsWebp, alpha), KeyFor(request, acceptsWebp, alpha));
    }

    [Theory]
    [InlineData("w=-1", "w", "from 1 to 4096")]
    [InlineData("w=0", "w", "from 1 to 4096")]
    [InlineData("w=4097", "w", "from 1 to 4096")]
    [InlineData("w=99999999999999999999", "w", "from 1 to 4096")]
    [InlineData("w=abc", "w", "from 1 to 4096")]
    [InlineData("w=4e2", "w", "from 1 to 4096")]
    [InlineData("w=+400", "w", "from 1 to 4096")]
    [InlineData("w=400.0", "w", "from 1 to 4096")]
    [InlineData("w=", "w", "from 1 to 4096")]
    [InlineData("w", "w", "from 1 to 4096")]
    [InlineData("h=0", "h", "from 1 to 4096")]
    [InlineData("q=0", "q", "from 1 to 100")]
    [InlineData("q=101", "q", "from 1 to 100")]
    [InlineData("fit=stretch", "fit", "inside, cover, contain, fill")]
    [InlineData("format=bmp", "format", "webp, jpeg, png, gif, auto")]
    [InlineData("format=jpg", "format", "webp, jpeg, png, gif, auto")]
    [InlineData("width=400", "width", "w, h, fit, format, q, sig")]
    [InlineData("w=400&w=500", "w", "a single value")]
    [InlineData("w=400&W=500", "w", "a single value")]
    public void Bad_parameters_name_the_parameter_and_what_it_accepts(string query, string parameter, string allowed)
    {
        var ex = Assert.Throws<TransformRequestException>(() => _parser.Parse(Query(query)));
        var error = Assert.Single(ex.Errors);
        Assert.Equal(parameter, error.Parameter);
        Assert.Contains(allowed, error.Allowed, StringComparison.Ordinal);
        Assert.Contains(parameter, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_parameter_is_reported_at_once()
    {
        var ex = Assert.Throws<TransformRequestException>(() => _parser.Parse(Query("w=0&fit=x&zoom=2")));
        Assert.Equal(["w", "fit", "zoom"], ex.Errors.Select(e => e.Parameter));
    }

    [Fact]
    public void Hostile_values_are_not_echoed_in_full()
    {
        var ex = Assert.Throws<TransformRequestException>(() => _parser.Parse(Query("fit=" + new string('x', 5000))));
        Assert.True(ex.Message.Length < 300, ex.Message);
    }

    [Fact]
    public void Maximum_output_size_comes_from_configuration()
    {
        var parser = new TransformParser(new RenditionDefaults { MaxWidth = 1000, MaxHeight = 500 });
        Assert.Equal(1000, parser.Parse(Query("w=1000")).Request.Width);
        var ex = Assert.Throws<TransformRequestException>(() => parser.Parse(Query("h=501")));
        Assert.Equal("an integer from 1 to 500", ex.Errors[0].Allowed);
    }

    [Fact]
    public void Signature_is_kept_apart_from_the_request()
    {
        var parsed = _parser.Parse(Query("w=400&sig=deadbeef"));
        Assert.Equal("deadbeef", parsed.Signature);
        Assert.Equal(Parse("w=400"), parsed.Request);
    }
}
