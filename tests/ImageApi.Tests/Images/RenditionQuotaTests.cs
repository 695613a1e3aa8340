using System.Net;
using ImageApi.Tests.Infrastructure;
using ImageApi.Tests.Uploads;

namespace ImageApi.Tests.Images;

/// <summary>
/// The per-original cap (<c>Limits:MaxRenditionsPerOriginal</c>) cannot be used up against the sizes a
/// site really uses: renditions whose every value is on the configured allowed lists are never refused.
/// </summary>
public sealed class RenditionQuotaTests
{
    [Fact]
    public async Task Variations_that_use_up_the_cap_never_block_the_allow_listed_renditions()
    {
        using var app = new ImageApiFactory(new Dictionary<string, string?>
        {
            ["Limits:MaxRenditionsPerOriginal"] = "3",
            ["Renditions:AllowedWidths:0"] = "320",
            ["Renditions:AllowedWidths:1"] = "640",
            ["Renditions:AllowedQualities:0"] = "70",
            ["Renditions:AllowedFormats:0"] = "jpeg",
            ["Renditions:AllowedFormats:1"] = "webp",
        });
        var client = app.CreateClient();
        var original = TestImages.Bytes("photo-cups.jpg");
        var ticket = await Tickets.RequestAsync(client, original.Length);
        Assert.Equal(HttpStatusCode.OK, (await Tickets.PutAsync(client, ticket, original)).StatusCode);
        var image = ticket.ImageUrl.AbsolutePath;

        // An anonymous client varies what has no list (fit and h here) until the cap refuses it.
        var refused = false;
        for (var h = 101; h < 120 && !refused; h++)
        {
            var response = await client.GetAsync($"{image}?w=320&h={h}&fit=fill");
            refused = response.StatusCode == HttpStatusCode.Forbidden;
            Assert.True(refused || response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}");
        }

        Assert.True(refused, "the cap never refused a variation");
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"{image}?w=320&h=150")).StatusCode);

        // The site's sizes, qualities and formats are still made.
        foreach (var query in new[] { "w=640", "w=320", "w=320&q=70", "w=640&format=jpeg", "w=640&format=jpeg&q=70", "format=jpeg" })
        {
            var response = await client.GetAsync($"{image}?{query}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Theory]
    [InlineData(320, null, "webp", 80, true)]
    [InlineData(320, 200, "webp", 80, false)]
    [InlineData(800, 800, "jpeg", 70, true)]
    [InlineData(800, 800, "png", null, false)]
    [InlineData(320, null, "webp", 50, false)]
    [InlineData(400, null, "webp", 80, false)]
    public void Allow_listed_means_every_value_is_a_default_or_on_its_list(int width, int? height, string format, int? quality, bool expected)
    {
        var defaults = new Processing.Transforms.RenditionDefaults { AllowedWidths = [320], AllowedQualities = [70], AllowedFormats = ["jpeg"] };
        var spec = new Processing.Transforms.RenditionSpec(width, height, Processing.Transforms.FitMode.Inside, Processing.Formats.OutputFormats.Find(format)!, quality);
        Assert.Equal(expected, ImageApi.Images.RenditionQuota.IsAllowListed(spec, defaults));
    }

    [Fact]
    public async Task A_full_cap_never_blocks_a_preset_in_any_format()
    {
        using var app = new ImageApiFactory(new Dictionary<string, string?>
        {
            ["Limits:MaxRenditionsPerOriginal"] = "2",
            ["Presets:card"] = "w=300&h=200&fit=cover&q=60",
        });
        var client = app.CreateClient();
        var original = TestImages.Bytes("photo-cups.jpg");
        var ticket = await Tickets.RequestAsync(client, original.Length);
        Assert.Equal(HttpStatusCode.OK, (await Tickets.PutAsync(client, ticket, original)).StatusCode);
        var image = ticket.ImageUrl.AbsolutePath;
        foreach (var w in new[] { 101, 102, 103 })
        {
            await client.GetAsync($"{image}?w={w}");
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"{image}?w=104")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"{image}?w=300&h=200&fit=cover&q=61")).StatusCode);
        foreach (var query in new[] { "preset=card", "preset=card&format=jpeg", "preset=card&format=png", "w=300&h=200&fit=cover&q=60&format=avif" })
        {
            var response = await client.GetAsync($"{image}?{query}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task The_count_is_listed_again_before_half_the_cap_is_reached()
    {
        using var app = new ImageApiFactory(new Dictionary<string, string?> { ["Limits:MaxRenditionsPerOriginal"] = "10" });
        var client = app.CreateClient();
        var original = TestImages.Bytes("photo-cups.jpg");
        var ticket = await Tickets.RequestAsync(client, original.Length);
        Assert.Equal(HttpStatusCode.OK, (await Tickets.PutAsync(client, ticket, original)).StatusCode);
        var image = ticket.ImageUrl.AbsolutePath;
        var folder = Path.Combine(app.DestinationRoot, "processed", ticket.Key);
        await ApiClient.WaitForFileAsync(folder, "_source.json", TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"{image}?w=101")).StatusCode); // listed: the default and this one

        // Another instance fills the cap meanwhile; this one sees it at its next listing, at half the cap.
        foreach (var w in Enumerable.Range(200, 12))
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, $"w{w}-inside-q80.webp"), [1]);
        }

        var answers = new List<HttpStatusCode>();
        foreach (var w in Enumerable.Range(102, 5))
        {
            answers.Add((await client.GetAsync($"{image}?w={w}")).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden], answers);
    }
}
