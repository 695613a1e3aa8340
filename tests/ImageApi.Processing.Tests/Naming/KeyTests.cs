using ImageApi.Processing.Formats;
using ImageApi.Processing.Naming;
using ImageApi.Processing.Transforms;

namespace ImageApi.Processing.Tests.Naming;

public class KeyTests
{
    [Theory]
    [InlineData("uploads/2026/11/27/abc/cat.jpg")]
    [InlineData("uploads/a/my photo + more.jpg")]
    [InlineData("uploads/a/Zürich-Straße-東京.jpg")]
    [InlineData("a")]
    [InlineData("uploads/a/.hidden.jpg")]
    [InlineData("uploads/a/..jpg")]
    public void Accepts_ordinary_keys(string key) => Assert.True(SourceKey.TryParse(key, out _, out _));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("../etc/passwd", "'..'")]
    [InlineData("uploads/../../etc/passwd", "'..'")]
    [InlineData("uploads/./a.jpg", "'.'")]
    [InlineData("/etc/passwd", "start with '/'")]
    [InlineData("uploads\\..\\a.jpg", "backslash")]
    [InlineData("uploads/a\u0000.jpg", "control")]
    [InlineData("uploads/a\n.jpg", "control")]
    [InlineData("uploads//a.jpg", "empty segments")]
    [InlineData("uploads/a/", "empty segments")]
    public void Refuses_hostile_keys(string key, string reason)
    {
        Assert.False(SourceKey.TryParse(key, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        var ex = Assert.Throws<InvalidKeyException>(() => SourceKey.Parse(key));
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_lone_surrogates()
    {
        Assert.False(SourceKey.TryParse("uploads/\ud800.jpg", out _, out var error));
        Assert.Contains("Unicode", error, StringComparison.Ordinal);
        Assert.False(SourceKey.TryParse("uploads/a\udc00", out _, out _));
        Assert.True(SourceKey.TryParse("uploads/\ud83d\ude00.jpg", out _, out _));
    }

    [Fact]
    public void Refuses_overlong_keys()
    {
        Assert.True(SourceKey.TryParse(new string('a', SourceKey.MaxBytes), out _, out _));
        Assert.False(SourceKey.TryParse(new string('a', SourceKey.MaxBytes + 1), out _, out _));
        // Bytes, not characters: 'ü' is two bytes in UTF-8.
        Assert.False(SourceKey.TryParse(new string('ü', (SourceKey.MaxBytes / 2) + 1), out _, out _));
    }

    [Fact]
    public void Renditions_belong_to_exactly_one_original()
    {
        var a = SourceKey.Parse("uploads/a");
        var ofA = new RenditionKey(a, new RenditionSpec(800, 800, FitMode.Inside, OutputFormat.Webp, 80)).Value;
        var ofAB = new RenditionKey(SourceKey.Parse("uploads/a/b"), new RenditionSpec(800, 800, FitMode.Inside, OutputFormat.Webp, 80)).Value;
        Assert.True(RenditionKey.BelongsTo(ofA, a));
        Assert.False(RenditionKey.BelongsTo(ofAB, a));
    }

    [Fact]
    public void Lossless_renditions_carry_no_quality()
    {
        var key = new RenditionKey(SourceKey.Parse("k"), new RenditionSpec(null, 300, FitMode.Inside, OutputFormat.Png, null));
        Assert.Equal("processed/k/wauto-h300-inside.png", key.Value);
    }

    [Theory]
    [InlineData(400, null, FitMode.Inside, "webp", 80, "processed/k/w400-hauto-inside-q80.webp")]
    [InlineData(800, 800, FitMode.Inside, "webp", 80, "processed/k/w800-h800-inside-q80.webp")]
    [InlineData(400, 300, FitMode.Cover, "jpeg", 70, "processed/k/w400-h300-cover-q70.jpg")]
    [InlineData(400, 300, FitMode.Contain, "avif", 60, "processed/k/w400-h300-contain-q60.avif")]
    [InlineData(null, 300, FitMode.Inside, "gif", null, "processed/k/wauto-h300-inside.gif")]
    public void Names_keep_the_format_renditions_are_stored_under(int? width, int? height, FitMode fit, string format, int? quality, string expected)
    {
        // Renditions already stored under these names must still be found: the segments and their order are fixed.
        var spec = new RenditionSpec(width, height, fit, OutputFormats.Find(format)!, quality);
        Assert.Equal(expected, new RenditionKey(SourceKey.Parse("k"), spec).Value);
    }
}
