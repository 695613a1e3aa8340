using ImageApi.Processing.Naming;
using ImageApi.Processing.Transforms;
using ImageApi.Processing.Watermarks;

namespace ImageApi.Processing.Tests.Transforms;

/// <summary>Presets: parsed by the request parser at start-up, named by <c>preset</c>, the same rendition as their transform spelled out.</summary>
public sealed class TransformPresetsTests
{
    private static readonly RenditionDefaults Defaults = new();

    private static TransformPresets Presets(params PresetDefinition[] definitions) => TransformPresets.Parse(definitions, Defaults);

    private static ParsedTransform Parse(TransformParser parser, string query) =>
        parser.Parse(query.Length == 0 ? [] : query.Split('&').Select(p => p.Split('=')).Select(p => KeyValuePair.Create(p[0], (string?)p[1])));

    private static readonly TransformPresets Site = Presets(
        new PresetDefinition("card", "w=400&h=300&fit=cover"),
        new PresetDefinition("Avatar", "w=64&h=64&fit=cover&format=png", WatermarkChoice.None));

    [Fact]
    public void A_preset_is_the_request_its_query_spells_out_with_the_same_stored_name()
    {
        var parser = new TransformParser(Defaults, Site);
        var byPreset = Parse(parser, "preset=card");
        var spelled = Parse(parser, "fit=cover&h=300&w=400");
        Assert.Equal(spelled.Request, byPreset.Request);
        Assert.Equal("card", byPreset.Preset);
        var source = SourceKey.Parse("uploads/a.jpg");
        Assert.Equal(new RenditionKey(source, spelled.Request.Resolve(Defaults)).Value, new RenditionKey(source, byPreset.Request.Resolve(Defaults)).Value);
    }

    [Fact]
    public void Names_are_case_insensitive_and_canonically_lower_case()
    {
        var parser = new TransformParser(Defaults, Site);
        var parsed = Parse(parser, "PRESET=AVATAR");
        Assert.Equal("avatar", parsed.Preset);
        Assert.Equal("preset=avatar", parsed.SignedQuery);
        Assert.Equal(["avatar", "card"], Site.All.Select(p => p.Name));
    }

    [Fact]
    public void Format_may_replace_a_presets_format_and_auto_stays_auto()
    {
        var parser = new TransformParser(Defaults, Site);
        Assert.True(Parse(parser, "preset=card&format=auto").Request.IsAuto);
        Assert.Equal(OutputFormats.Jpeg, Parse(parser, "format=jpeg&preset=avatar").Request.Format);
        Assert.Equal(OutputFormats.Png, Parse(parser, "preset=avatar").Request.Format);
        Assert.Equal(["format", "preset"], Parse(parser, "preset=card&format=auto").Given);
    }

    [Fact]
    public void Only_a_preset_chooses_no_watermark()
    {
        var parser = new TransformParser(Defaults, Site);
        Assert.Equal(WatermarkChoice.None, Parse(parser, "preset=avatar").Request.Watermark);
        Assert.Equal(WatermarkChoice.Default, Parse(parser, "preset=card").Request.Watermark);
        Assert.Equal(WatermarkChoice.Default, Parse(parser, "w=64&h=64&fit=cover&format=png").Request.Watermark);
    }

    [Theory]
    [InlineData("preset=card&w=500", "w", "cannot be given with 'preset'")]
    [InlineData("preset=card&q=50", "q", "cannot be given with 'preset'")]
    [InlineData("preset=nope", "preset", "one of the configured presets: avatar, card; got 'nope'")]
    [InlineData("preset=a b", "preset", "must be a name")]
    [InlineData("preset=card&preset=avatar", "preset", "more than once")]
    public void Bad_preset_requests_are_400s_naming_the_parameter(string query, string parameter, string message)
    {
        var ex = Assert.Throws<TransformRequestException>(() => Parse(new TransformParser(Defaults, Site), query));
        var error = Assert.Single(ex.Errors, e => e.Parameter == parameter);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_presets_every_preset_is_unknown()
    {
        var ex = Assert.Throws<TransformRequestException>(() => Parse(new TransformParser(Defaults), "preset=card"));
        Assert.Contains("(none are configured)", Assert.Single(ex.Errors).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("thumb", "w=0", "Presets:thumb is not a valid transform ('w=0'): 'w' must be an integer from 1 to 4096")]
    [InlineData("thumb", "w=200&zoom=2", "Presets:thumb is not a valid transform")]
    [InlineData("thumb", "", "Presets:thumb is empty")]
    [InlineData("thumb", "preset=card", "Presets:thumb may not contain 'preset'")]
    [InlineData("thumb", "w=200&sig=abc", "Presets:thumb may not contain 'sig'")]
    [InlineData("thumb", "w=200&exp=100", "Presets:thumb may not contain 'exp'")]
    [InlineData("Only", "w=200", "Presets:Only is not a preset name")]
    [InlineData("two words", "w=200", "Presets:two words is not a preset name")]
    public void A_bad_preset_is_refused_naming_it(string name, string query, string message)
    {
        var ex = Assert.Throws<InvalidPresetException>(() => Presets(new PresetDefinition(name, query)));
        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_presets_may_not_share_a_name()
    {
        var ex = Assert.Throws<InvalidPresetException>(() => Presets(new PresetDefinition("card", "w=1"), new PresetDefinition("CARD", "w=2")));
        Assert.Contains("Presets:CARD is configured twice", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_preset_is_held_to_the_configured_allowed_lists_like_any_request()
    {
        var strict = new RenditionDefaults { AllowedWidths = [320, 640] };
        Assert.Throws<InvalidPresetException>(() => TransformPresets.Parse([new PresetDefinition("wide", "w=1000")], strict));
        Assert.Equal(320, TransformPresets.Parse([new PresetDefinition("small", "w=320")], strict).Find("small")!.Request.Width);
    }
}
