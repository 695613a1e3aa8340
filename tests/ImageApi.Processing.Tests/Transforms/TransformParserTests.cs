using ImageApi.Processing.Formats;
using ImageApi.Processing.Naming;
using ImageApi.Processing.Transforms;

namespace ImageApi.Processing.Tests.Transforms;

public partial class TransformParserTests
{
    private static readonly RenditionDefaults Defaults = new();
    private readonly TransformParser _parser = new(Defaults);

    private static KeyValuePair<string, string?>[] Query(string query) => QueryStrings.Pairs(query);

    private TransformRequest Parse(string query) => _parser.Parse(Query(query)).Request;

    private static string KeyFor(TransformRequest request, FormatSupport? accepts = null, bool alpha = false, long outputPixels = 300 * 200) =>
        new RenditionKey(SourceKey.Parse("uploads/a/cat.jpg"), request.Resolve(accepts ?? new FormatSupport(Webp: true, Avif: false), alpha, outputPixels, AutoAvifMaxPixels, Defaults)).Value;

    private const long AutoAvifMaxPixels = 1_000_000;

    [Fact]
    public void No_parameters_is_the_default_rendition()
    {
        var request = Parse("");
        Assert.Equal(new TransformRequest(800, 800, FitMode.Inside, OutputFormat.Webp, null), request);
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
    [InlineData("w=400", "w=400&exp=1800000000")]
    [InlineData("format=avif", "format=AVIF&q=55")]
    [InlineData("format=jpeg", "format=jpeg&q=80")]
    [InlineData("format=gif&w=10", "q=5&format=GIF&w=010")]
    public void Spelling_order_and_explicit_defaults_make_one_rendition(string a, string b) =>
        Assert.Equal(KeyFor(Parse(a)), KeyFor(Parse(b)));

    [Theory]
    [InlineData("w=400", "w=401")]
    [InlineData("w=400", "h=400")]
    [InlineData("w=400&h=400", "w=400&h=400&fit=cover")]
    [InlineData("q=80", "q=81")]
    [InlineData("format=webp", "format=jpeg")]
    [InlineData("format=webp", "format=avif")]
    [InlineData("format=avif", "format=avif&q=80")]
    public void Different_outputs_have_different_names(string a, string b) =>
        Assert.NotEqual(KeyFor(Parse(a)), KeyFor(Parse(b)));

    [Theory]
    [InlineData(true, true, false, "avif")]
    [InlineData(true, false, false, "webp")]
    [InlineData(false, true, false, "avif")]
    [InlineData(false, false, false, "jpeg")]
    [InlineData(false, false, true, "png")]
    [InlineData(true, false, true, "webp")]
    public void Auto_resolves_on_accept_and_transparency(bool webp, bool avif, bool alpha, string format)
    {
        var accepts = new FormatSupport(webp, avif);
        var auto = Parse("format=auto&w=300");
        Assert.True(auto.IsAuto);
        Assert.Equal(KeyFor(Parse("format=" + format + "&w=300"), accepts, alpha), KeyFor(auto, accepts, alpha));
    }

    [Fact]
    public void Auto_falls_back_from_avif_above_its_size_limit()
    {
        var auto = Parse("format=auto&w=3000");
        Assert.EndsWith(".avif", KeyFor(auto, FormatSupport.All, outputPixels: AutoAvifMaxPixels), StringComparison.Ordinal);
        Assert.EndsWith(".webp", KeyFor(auto, FormatSupport.All, outputPixels: AutoAvifMaxPixels + 1), StringComparison.Ordinal);
    }

    [Fact]
    public void Quality_defaults_per_format_and_only_lossy_formats_carry_it()
    {
        Assert.Equal(80, Parse("format=webp").Resolve(Defaults).Quality);
        Assert.Equal(80, Parse("format=jpeg").Resolve(Defaults).Quality);
        Assert.Equal(OutputFormats.Avif.DefaultQuality, Parse("format=avif").Resolve(Defaults).Quality);
        Assert.Null(Parse("format=png&q=20").Resolve(Defaults).Quality);
        Assert.Equal(55, Parse("format=avif&q=55").Resolve(Defaults).Quality);
        Assert.Equal(70, new TransformParser(new RenditionDefaults { Quality = 70 }).Parse([]).Request.Resolve(new RenditionDefaults { Quality = 70 }).Quality);
        Assert.Throws<InvalidOperationException>(() => Parse("format=auto").Resolve(Defaults));
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
    [InlineData("w= 400", "w", "from 1 to 4096")]
    [InlineData("w=400 ", "w", "from 1 to 4096")]
    [InlineData("w=0x190", "w", "from 1 to 4096")]
    [InlineData("w=٤٠٠", "w", "from 1 to 4096")]
    [InlineData("q=0", "q", "from 1 to 100")]
    [InlineData("q=101", "q", "from 1 to 100")]
    [InlineData("q=8o", "q", "from 1 to 100")]
    [InlineData("fit=stretch", "fit", "one of inside, cover, contain, fill")]
    [InlineData("fit=", "fit", "one of inside, cover, contain, fill")]
    [InlineData("format=bmp", "format", "one of webp, avif, jpeg, png, gif, auto")]
    [InlineData("format=jpg", "format", "one of webp, avif, jpeg, png, gif, auto")]
    [InlineData("format=heic", "format", "one of webp, avif, jpeg, png, gif, auto")]
    [InlineData("exp=soon", "exp", "a Unix time in seconds")]
    [InlineData("size=400", "size", "w (width), h (height), fit, format (fm, auto), q (quality), sig, exp, dpr, gravity, fp-x, fp-y, bg, rot, flip, blur, sharpen")]
    [InlineData("w=400&w=500", "w", "a single value")]
    [InlineData("w=400&W=500", "w", "a single value")]
    [InlineData("w=abc&w=500", "w", "a single value")]
    [InlineData("sig=a&sig=b", "sig", "a single value")]
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
    public void Each_parameter_has_at_most_one_error()
    {
        // Answers list errors by parameter name; two for one name would not fit.
        var ex = Assert.Throws<TransformRequestException>(() => _parser.Parse(Query("q=x&zoom=1&q=y&zoom=2&Zoom=3")));
        Assert.Equal(["q", "zoom", "Zoom"], ex.Errors.Select(e => e.Parameter));
        Assert.Equal("a single value", ex.Errors[0].Allowed);
    }

    [Fact]
    public void Out_of_range_numbers_are_quoted_canonically()
    {
        var ex = Assert.Throws<TransformRequestException>(() => _parser.Parse(Query("w=04097")));
        Assert.Equal("'w' must be an integer from 1 to 4096; got 4097.", ex.Errors[0].Message);
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
