using System.Net;
using ImageApi.Processing.Transforms;
using ImageApi.Tests.Infrastructure;
using Microsoft.Playwright;

namespace ImageApi.Tests.Clients;

/// <summary>
/// The README's loader recipes (docs/recipes, shown in the README verbatim) against the running service:
/// a plain &lt;img srcset&gt; in Chromium at a device pixel ratio of 2, and a backend's signed URL under
/// Node.js. The Next.js loaders are NextImageTests'.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RecipeTests(BrowserFixture browser)
{
    private static string Recipe(string name) => File.ReadAllText(Repository.PathOf("docs", "recipes", name));

    private static (ImageApiFactory App, string BaseUrl) Start(IDictionary<string, string?>? settings = null)
    {
        var app = new ImageApiFactory(settings);
        var port = MotoServer.FreePort();
        app.UseKestrel(port);
        app.StartServer();
        return (app, $"http://127.0.0.1:{port}");
    }

    [Theory]
    [InlineData("next-cloudfront-loader.js")]
    [InlineData("next-imgix-loader.js")]
    [InlineData("img-srcset.html")]
    [InlineData("signed-url.mjs")]
    public void The_readme_shows_each_recipe_as_tested(string name) =>
        Assert.Contains(Recipe(name).TrimEnd(), File.ReadAllText(Repository.PathOf("README.md")), StringComparison.Ordinal);

    [Fact]
    public async Task A_plain_img_srcset_loads_the_dpr_2_url_at_twice_the_width()
    {
        var (app, baseUrl) = Start();
        using var _ = app;
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        var ticket = await http.UploadAsync("photo-cups.jpg", "image/jpeg");
        var html = Recipe("img-srcset.html").Replace("https://images.example.com/images/KEY", baseUrl + ticket.ImageUrl.AbsolutePath, StringComparison.Ordinal);

        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { DeviceScaleFactor = 2 });
        var page = await context.NewPageAsync();
        await page.SetContentAsync(html);
        await page.WaitForFunctionAsync("() => { const i = document.querySelector('img'); return i.complete && i.naturalWidth > 0; }");
        var (src, width) = (await page.EvalOnSelectorAsync<string>("img", "i => i.currentSrc"), await page.EvalOnSelectorAsync<int>("img", "i => i.naturalWidth"));
        Assert.EndsWith("?w=400&dpr=2", src, StringComparison.Ordinal);

        // 800 pixels at a density of 2 are 400 CSS pixels wide: what the page laid out.
        Assert.Equal(400, width);

        // The same stored object as w=800: served from storage, the same bytes.
        var generated = app.RenditionsGenerated;
        var (_, folded, decoded) = await http.GetImageAsync(ticket.Image("w=400&dpr=2"));
        Assert.Equal(800, decoded.Width);
        var (_, plain, _) = await http.GetImageAsync(ticket.Image("w=800"));
        Assert.Equal(plain, folded);
        Assert.Equal(generated, app.RenditionsGenerated);
    }

    [Fact]
    public async Task A_backends_signed_url_is_served_and_nothing_else()
    {
        const string key = "recipe-signing-key-0123456789abcdefghij";
        var (app, baseUrl) = Start(new Dictionary<string, string?> { ["Signing:Required"] = "true", ["Signing:Keys:0"] = key });
        using var _ = app;
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        var ticket = await http.UploadAsync("photo-cups.jpg", "image/jpeg");

        // The recipe's order is the table's signed order.
        var order = System.Text.RegularExpressions.Regex.Match(Recipe("signed-url.mjs"), @"const ORDER = \[(.*)\]").Groups[1].Value.Split(", ").Select(n => n.Trim('\''));
        Assert.Equal(TransformParameters.All.Where(p => p.IsSigned).Select(p => p.Name), order);

        var script = $$"""
            import { signedImageUrl } from {{System.Text.Json.JsonSerializer.Serialize(new Uri(Repository.PathOf("docs", "recipes", "signed-url.mjs")).AbsoluteUri)}}
            console.log(signedImageUrl({{System.Text.Json.JsonSerializer.Serialize(baseUrl)}}, {{System.Text.Json.JsonSerializer.Serialize(ticket.Key)}},
              { w: 300, h: 200, fit: 'cover', gravity: 'north', format: 'JPEG' }, {{System.Text.Json.JsonSerializer.Serialize(key)}}))
            """;
        var (exit, output) = await Repository.RunAsync("node", ["--input-type=module", "-e", script]);
        Assert.True(exit == 0, output);
        var url = output.Trim();
        var (_, _, image) = await http.GetImageAsync(url);
        Assert.Equal(("jpeg", 300, 200), (image.Format, image.Width, image.Height));

        // Any other spelling of the same request verifies too (the signature covers the canonical request)…
        var (_, _, aliased) = await http.GetImageAsync(url.Replace("w=300&h=200", "width=150&height=100&dpr=2", StringComparison.Ordinal));
        Assert.Equal((300, 200), (aliased.Width, aliased.Height));

        // …and another request does not.
        await (await http.GetAsync(url.Replace("gravity=north", "gravity=south", StringComparison.Ordinal))).ReadProblemAsync(HttpStatusCode.Forbidden);
        await (await http.GetAsync(ticket.Image("w=300"))).ReadProblemAsync(HttpStatusCode.Forbidden);
    }
}
