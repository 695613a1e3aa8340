using ImageApi.Processing.Transforms;

namespace ImageApi.Processing.Tests.Transforms;

/// <summary>What front-end loaders send: other services' names and values, dpr, gravity and focal points, bg, rot, flip, filters.</summary>
public partial class TransformParserTests
{
    [Theory]
    [InlineData("w=300&h=200&fit=cover&q=70&format=jpeg", "width=300&height=200&fit=crop&quality=70&fm=jpeg")]
    [InlineData("w=300&h=200&fit=cover", "WIDTH=300&Height=200&FIT=MIN")]
    [InlineData("w=300&h=300&fit=inside", "w=300&h=300&fit=max")]
    [InlineData("w=300&h=300&fit=inside", "w=300&h=300&fit=clip")]
    [InlineData("format=auto&w=640", "auto=format&fit=max&w=640")]
    [InlineData("format=auto&w=640&q=75", "format=auto&width=640&quality=75")]
    [InlineData("format=auto", "AUTO=FORMAT")]
    [InlineData("w=600", "dpr=2&w=300")]
    [InlineData("w=600", "w=300&dpr=2.0")]
    [InlineData("w=300", "dpr=01.50&w=200")]
    [InlineData("w=450&h=300", "dpr=1.5&w=300&h=200")]
    [InlineData("w=300", "dpr=1&w=300")]
    [InlineData("w=10&h=10&fit=cover", "w=10&h=10&fit=cover&gravity=center")]
    [InlineData("w=300", "w=300&gravity=north")]
    [InlineData("w=10&h=10&fit=contain", "w=10&h=10&fit=contain&gravity=smart")]
    [InlineData("w=10&h=10&fit=cover&gravity=focal&fp-x=0.5&fp-y=0.3", "w=10&h=10&fit=cover&fp-y=0.30&fp-x=00.500")]
    [InlineData("", "rot=180&flip=hv")]
    [InlineData("", "rot=0")]
    [InlineData("rot=180&flip=h", "flip=v")]
    [InlineData("rot=90&flip=h", "rot=270&flip=v")]
    [InlineData("format=jpeg", "format=jpeg&bg=FFFFFF")]
    [InlineData("format=jpeg&bg=000000", "format=jpeg&bg=000000cc")]
    [InlineData("w=10&h=10&fit=contain&bg=000000", "w=10&h=10&fit=contain&bg=000000FF")]
    [InlineData("w=10&h=10&fit=contain&format=png", "w=10&h=10&fit=contain&format=png&bg=00000000")]
    [InlineData("format=webp&w=10", "format=webp&w=10&bg=ff0000")]
    [InlineData("blur=2&sharpen=1", "sharpen=1.0&blur=02")]
    public void Aliases_dpr_and_canonical_values_make_one_rendition(string a, string b) =>
        Assert.Equal(KeyFor(Parse(a)), KeyFor(Parse(b)));

    [Theory]
    [InlineData("w=10&h=10&fit=cover&gravity=north", "w=10&h=10&fit=cover&gravity=south")]
    [InlineData("w=10&h=10&fit=cover&gravity=east", "w=10&h=10&fit=cover")]
    [InlineData("w=10&h=10&fit=cover&gravity=smart", "w=10&h=10&fit=cover&gravity=auto")]
    [InlineData("w=10&h=10&fit=cover&gravity=focal", "w=10&h=10&fit=cover&fp-x=0.5&fp-y=0.5")]
    [InlineData("w=10&h=10&fit=cover&fp-x=0.2&fp-y=0.5", "w=10&h=10&fit=cover&fp-x=0.5&fp-y=0.2")]
    [InlineData("w=10&h=10&fit=contain&bg=ff0000", "w=10&h=10&fit=contain&bg=ff000080")]
    [InlineData("format=jpeg&bg=ff0000", "format=jpeg")]
    [InlineData("rot=90", "rot=270")]
    [InlineData("flip=h", "")]
    [InlineData("blur=1", "blur=1.5")]
    [InlineData("sharpen=1", "blur=1")]
    [InlineData("w=600", "dpr=2&w=301")]
    public void New_parameters_that_change_the_bytes_change_the_name(string a, string b) =>
        Assert.NotEqual(KeyFor(Parse(a)), KeyFor(Parse(b)));

    [Fact]
    public void The_stored_name_spells_every_new_parameter()
    {
        Assert.Equal("processed/uploads/a/cat.jpg/w300-h200-cover-q80-gnorth-r90-fliph-blur1.5-sharpen2.webp",
            KeyFor(Parse("sharpen=2&blur=1.50&flip=h&rot=90&gravity=north&fit=cover&h=200&w=300")));
        Assert.Equal("processed/uploads/a/cat.jpg/w300-h200-cover-q80-fp0.25x0.75.webp", KeyFor(Parse("w=300&h=200&fit=cover&fp-x=0.25&fp-y=0.75")));
        Assert.Equal("processed/uploads/a/cat.jpg/w300-h200-cover-q80-gauto.webp", KeyFor(Parse("w=300&h=200&fit=cover&gravity=auto")));
        Assert.Equal("processed/uploads/a/cat.jpg/w300-h200-contain-q80-bg336699cc.webp", KeyFor(Parse("w=300&h=200&fit=contain&bg=336699CC")));
    }

    [Theory]
    [InlineData("dpr=0&w=300", "dpr", "a number from 1 to 3 with at most 1 decimal")]
    [InlineData("dpr=4&w=300", "dpr", "a number from 1 to 3 with at most 1 decimal")]
    [InlineData("dpr=1.25&w=300", "dpr", "a number from 1 to 3 with at most 1 decimal")]
    [InlineData("dpr=.5&w=300", "dpr", "a number from 1 to 3 with at most 1 decimal")]
    [InlineData("dpr=2x&w=300", "dpr", "a number from 1 to 3 with at most 1 decimal")]
    [InlineData("dpr=2", "dpr", "w or h with dpr")]
    [InlineData("fp-x=1.5&fp-y=0.5", "fp-x", "a number from 0 to 1 with at most 3 decimals")]
    [InlineData("fp-x=0.1234&fp-y=0.5", "fp-x", "a number from 0 to 1 with at most 3 decimals")]
    [InlineData("fp-x=0.5", "fp-y", "a number from 0 to 1")]
    [InlineData("gravity=north&fp-x=0.5&fp-y=0.5", "gravity", "focal")]
    [InlineData("gravity=middle", "gravity", "one of center, north, south, east, west, northeast, northwest, southeast, southwest, smart, focal, auto")]
    [InlineData("bg=zzz", "bg", "6 hex digits (rrggbb) or 8 with alpha (rrggbbaa)")]
    [InlineData("bg=fff", "bg", "6 hex digits")]
    [InlineData("bg=%23ffffff", "bg", "6 hex digits")]
    [InlineData("rot=45", "rot", "one of 0, 90, 180, 270")]
    [InlineData("rot=-90", "rot", "one of 0, 90, 180, 270")]
    [InlineData("flip=x", "flip", "one of h, v, hv")]
    [InlineData("blur=0", "blur", "a number from 0.3 to 100 with at most 1 decimal")]
    [InlineData("blur=0.2", "blur", "a number from 0.3 to 100")]
    [InlineData("blur=101", "blur", "a number from 0.3 to 100")]
    [InlineData("sharpen=0.4", "sharpen", "a number from 0.5 to 10 with at most 1 decimal")]
    [InlineData("sharpen=11", "sharpen", "a number from 0.5 to 10")]
    [InlineData("w=300&width=400", "w", "a single value")]
    [InlineData("q=70&quality=80", "q", "a single value")]
    [InlineData("format=webp&auto=format", "format", "a single value")]
    [InlineData("auto=compress", "format", "format")]
    [InlineData("fit=fill2", "fit", "one of inside, cover, contain, fill (max, clip for inside; crop, min for cover)")]
    public void Bad_new_parameters_name_the_parameter_and_what_it_accepts(string query, string parameter, string allowed) =>
        Bad_parameters_name_the_parameter_and_what_it_accepts(query, parameter, allowed);

    [Fact]
    public void An_alias_with_its_own_values_says_which_name_was_used()
    {
        var error = Assert.Single(Assert.Throws<TransformRequestException>(() => _parser.Parse(Query("auto=compress"))).Errors);
        Assert.Equal("'auto' (another name of 'format') must be format; got 'compress'.", error.Message);
        var twice = Assert.Single(Assert.Throws<TransformRequestException>(() => _parser.Parse(Query("w=300&width=400"))).Errors);
        Assert.Equal("'w' is given more than once (here as 'width').", twice.Message);
    }

    [Theory]
    [InlineData("width=300&dpr=2&fit=max&auto=format", "w=600&fit=inside&format=auto")]
    [InlineData("w=300&h=200&dpr=1.5&quality=70", "w=450&h=300&q=70")]
    [InlineData("flip=h&rot=90&bg=FFFFFF&fp-y=0.50&fp-x=0.25&gravity=FOCAL&blur=1.0&sharpen=2", "gravity=focal&fp-x=0.25&fp-y=0.5&bg=ffffff&rot=90&flip=h&blur=1&sharpen=2")]
    public void The_signed_string_is_the_canonical_request_with_dpr_folded_in(string query, string signedQuery) =>
        Assert.Equal(signedQuery, _parser.Parse(Query(query)).SignedQuery);

    [Theory]
    [InlineData("w=300&dpr=2", 640, null)]
    [InlineData("w=300&dpr=1", 640, null)]
    [InlineData("w=640&dpr=1.1", 750, null)]
    [InlineData("w=600&dpr=3", 1080, null)]
    [InlineData("w=300&h=200&dpr=2", 640, 427)]
    [InlineData("h=200&dpr=2", null, 400)]
    public void Dpr_snaps_w_to_the_allowed_widths(string query, int? width, int? height)
    {
        var parser = new TransformParser(new RenditionDefaults { AllowedWidths = [1080, 640, 750] });
        var request = parser.Parse(Query(query)).Request;
        Assert.Equal((width, height), (request.Width, request.Height));
    }

    [Fact]
    public void Without_dpr_only_allowed_widths_are_accepted()
    {
        var parser = new TransformParser(new RenditionDefaults { AllowedWidths = [640, 750] });
        Assert.Equal("w", Assert.Single(Assert.Throws<TransformRequestException>(() => parser.Parse(Query("w=300"))).Errors).Parameter);
        Assert.Equal(750, parser.Parse(Query("width=750")).Request.Width);
    }

    [Theory]
    [InlineData("w=3000&dpr=2", 4096, null)]
    [InlineData("w=3000&h=1000&dpr=3", 4096, 1365)]
    [InlineData("h=4000&dpr=1.5", null, 4096)]
    [InlineData("w=4096&dpr=3", 4096, null)]
    public void Dpr_stops_at_the_maximum_size_keeping_the_box_shape(string query, int? width, int? height)
    {
        var request = Parse(query);
        Assert.Equal((width, height), (request.Width, request.Height));
    }

    [Fact]
    public void Focal_point_coordinates_alone_mean_gravity_focal()
    {
        var request = Parse("w=10&h=10&fit=cover&fp-x=0.2&fp-y=0.9");
        Assert.Equal(Gravity.Focal, request.Gravity);
        Assert.Equal(new FocalPoint(0.2m, 0.9m), request.Focus);
    }

    [Fact]
    public void Rot_and_flip_become_one_turn()
    {
        Assert.Equal(new Turn(90, false), Parse("rot=90").Turn);
        Assert.Equal(new Turn(0, true), Parse("flip=h").Turn);
        Assert.Equal(new Turn(180, true), Parse("flip=v").Turn);
        Assert.Equal(new Turn(270, false), Parse("rot=90&flip=hv").Turn);
        Assert.Equal(Turn.None, Parse("rot=180&flip=hv").Turn);
    }
}
