using ImageApi.Configuration;
using ImageApi.Images;
using ImageApi.Processing.Formats;
using ImageApi.Processing.Limits;
using ImageApi.Processing.Naming;
using ImageApi.Processing.Pipeline;
using ImageApi.Processing.Transforms;
using Microsoft.Extensions.Options;

namespace ImageApi.Tests.Images;

/// <summary>The intermediates' pixels held in memory: bounded in bytes, least recently used out first, one entry per version.</summary>
public sealed class DecodedIntermediatesTests
{
    private static readonly ImagePipeline Pipeline = new(new ProcessingLimits(), new RenditionDefaults());

    // 1600x1000 RGB: 4.8 MB of pixels each.
    private static readonly DecodedIntermediate Pixels = Make();

    private static DecodedIntermediate Make()
    {
        using var original = new MemoryStream(GeneratedImages.LargePhoto(2560, 1600));
        return Pipeline.RenderWithIntermediate(original, new RenditionSpec(400, null, FitMode.Inside, OutputFormats.Jpeg, 80)).Decoded!;
    }

    private static DecodedIntermediates Held(int megabytes) =>
        new(Options.Create(new ServiceLimitsOptions { IntermediateCacheMegabytes = megabytes }));

    private static SourceKey Key(string name) => SourceKey.Parse("uploads/" + name + ".jpg");

    private static SourceRecord Record(string etag, string? watermark = null) => new(etag, null, new IntermediateRecord(1600, 1000, 2560, 1600), null, null, watermark);

    [Fact]
    public void Holds_each_version_of_an_original_apart()
    {
        var held = Held(64);
        held.Add(Key("a"), Record("\"1\""), Pixels);
        Assert.NotNull(held.Find(Key("a"), "\"1\""));
        Assert.Null(held.Find(Key("a"), "\"2\""));
        Assert.Null(held.Find(Key("b"), "\"1\""));
        Assert.Equal(Pixels.Bytes, held.Bytes);
    }

    [Fact]
    public void The_least_recently_used_goes_first_and_the_bytes_stay_under_the_capacity()
    {
        var held = Held(10); // room for two
        held.Add(Key("a"), Record("1"), Pixels);
        held.Add(Key("b"), Record("1"), Pixels);
        Assert.NotNull(held.Find(Key("a"), "1")); // a is now the most recent
        held.Add(Key("c"), Record("1"), Pixels);
        Assert.NotNull(held.Find(Key("a"), "1"));
        Assert.Null(held.Find(Key("b"), "1"));
        Assert.NotNull(held.Find(Key("c"), "1"));
        Assert.Equal(2 * Pixels.Bytes, held.Bytes);
        Assert.True(held.Bytes <= 10L * 1024 * 1024);
    }

    [Fact]
    public void An_intermediate_larger_than_the_whole_cache_is_not_held()
    {
        var held = Held(4);
        held.Add(Key("a"), Record("1"), Pixels);
        Assert.Null(held.Find(Key("a"), "1"));
        Assert.Equal(0, held.Bytes);
    }

    [Fact]
    public void Adding_a_version_again_replaces_it_without_counting_it_twice()
    {
        var held = Held(64);
        held.Add(Key("a"), Record("1"), Pixels);
        held.Add(Key("a"), Record("1", "wm1"), Pixels);
        Assert.Equal(Pixels.Bytes, held.Bytes);
        Assert.Equal("wm1", held.Find(Key("a"), "1")!.Value.Record.Watermark);
    }

    [Fact]
    public void A_record_that_moved_on_is_kept_with_the_pixels()
    {
        var held = Held(64);
        held.Add(Key("a"), Record("1", "old"), Pixels);
        held.Update(Key("a"), Record("1", "new"));
        Assert.Equal("new", held.Find(Key("a"), "1")!.Value.Record.Watermark);
        held.Update(Key("b"), Record("1", "new")); // nothing held for it: nothing to update
        Assert.Null(held.Find(Key("b"), "1"));
    }

    [Fact]
    public void Forgetting_an_original_lets_go_of_all_its_versions_and_none_of_another()
    {
        var held = Held(64);
        held.Add(Key("a"), Record("1"), Pixels);
        held.Add(Key("a"), Record("2"), Pixels);
        held.Add(Key("ab"), Record("1"), Pixels);
        held.Forget(Key("a"));
        Assert.Null(held.Find(Key("a"), "1"));
        Assert.Null(held.Find(Key("a"), "2"));
        Assert.NotNull(held.Find(Key("ab"), "1"));
        Assert.Equal(Pixels.Bytes, held.Bytes);
    }
}
