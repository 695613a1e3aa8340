using System.Text.Json;
using ImageApi.Tests.Infrastructure;
using Microsoft.Playwright;

namespace ImageApi.Tests.Browser;

/// <summary>The upload page in headless Chromium, against the app on a real Kestrel port.</summary>
[Collection(BrowserCollection.Name)]
public sealed class UploadPageTests(BrowserFixture browser, S3Fixture s3)
{
    private static readonly int[] Widths = [320, 640, 960, 1280];

    /// <summary>The app on a free loopback port (Chromium needs a real server).</summary>
    private static (ImageApiFactory App, string BaseUrl) Start(IDictionary<string, string?>? settings = null, ImageApiFactory? app = null)
    {
        app ??= new ImageApiFactory(settings);
        var port = MotoServer.FreePort();
        app.UseKestrel(port);
        app.StartServer();
        return (app, $"http://127.0.0.1:{port}/");
    }

    private async Task<IPage> OpenAsync(string baseUrl)
    {
        var page = await browser.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1000, Height = 1400 } });
        await page.GotoAsync(baseUrl);
        return page;
    }

    private static async Task<string> WaitForOutcomeAsync(IPage page)
    {
        // Either the status says done or an error is shown; the page must never just spin.
        await page.WaitForFunctionAsync("() => document.getElementById('status').textContent.startsWith('Done') || !document.getElementById('error').hidden", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        return await page.Locator("#error").IsVisibleAsync() ? "error: " + await page.Locator("#error").TextContentAsync() : "done";
    }

    [Fact]
    public async Task A_real_photo_uploads_with_progress_and_shows_its_renditions()
    {
        var (app, url) = Start();
        using var _ = app;
        var page = await OpenAsync(url);
        await page.SetInputFilesAsync("#file", TestImages.PathOf("photo-autumn.jpg"));

        Assert.Equal("done", await WaitForOutcomeAsync(page));
        Assert.Equal("100", await page.Locator("#progress").GetAttributeAsync("value") ?? await page.EvalOnSelectorAsync<string>("#progress", "p => String(p.value)"));

        // The default rendition loaded in the page: fit inside 800×800.
        var size = await page.EvalOnSelectorAsync<int[]>("#default-rendition", "img => [img.naturalWidth, img.naturalHeight, img.complete ? 1 : 0]");
        Assert.Equal([800, 500, 1], size);

        // The responsive image loaded one of its srcset entries.
        await page.WaitForFunctionAsync("() => { const i = document.getElementById('responsive'); return i.complete && i.naturalWidth > 0; }");
        var current = await page.EvalOnSelectorAsync<string>("#responsive", "img => img.currentSrc");
        Assert.Matches(@"\?w=(320|640|960|1280)$", current);

        // Every srcset entry loads, at its width (never wider than the 1200 px original).
        var srcset = await page.EvalOnSelectorAsync<string>("#responsive", "img => img.getAttribute('srcset')");
        var entries = srcset.Split(", ").Select(e => e.Split(' ')[0]).ToArray();
        Assert.Equal(Widths.Length, entries.Length);
        var widths = await page.EvaluateAsync<int[]>(
            "urls => Promise.all(urls.map(u => new Promise((ok, fail) => { const i = new Image(); i.onload = () => ok(i.naturalWidth); i.onerror = () => fail(u); i.src = u; })))",
            entries);
        Assert.Equal([320, 640, 960, 1200], widths);

        // Links to each size and to the API documentation.
        var links = await page.Locator("#size-links a").EvaluateAllAsync<string[]>("as => as.map(a => a.href)");
        Assert.Contains(links, l => l.EndsWith("?w=640", StringComparison.Ordinal));
        Assert.Equal(url + "swagger/", await page.Locator("nav a").EvaluateAsync<string>("a => a.href"));

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.OutputFolder, "upload-page.png"), FullPage = true });
        await page.CloseAsync();
    }

    [Fact]
    public async Task Dropping_a_file_on_the_page_uploads_it()
    {
        var (app, url) = Start();
        using var _ = app;
        var page = await OpenAsync(url);
        var bytes = Convert.ToBase64String(TestImages.Bytes("alpha.png"));
        await page.EvaluateAsync("""
            b64 => {
              const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
              const data = new DataTransfer();
              data.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }));
              document.getElementById('drop-zone').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
            }
            """, bytes);
        Assert.Equal("done", await WaitForOutcomeAsync(page));
        Assert.Equal(480, await page.EvalOnSelectorAsync<int>("#default-rendition", "img => img.naturalWidth"));
        Assert.EndsWith("/dropped.png", await page.Locator("#key").TextContentAsync(), StringComparison.Ordinal);
        await page.CloseAsync();
    }

    [Fact]
    public async Task Uploads_go_from_the_browser_straight_to_s3_with_the_templates_cors()
    {
        var environment = await s3.CreateEnvironmentAsync();
        var (app, url) = Start(app: environment.CreateApp());
        using var _ = app;
        await ApplyTemplateCorsAsync(environment.SourceBucket, url.TrimEnd('/'));

        var page = await OpenAsync(url);
        var s3Requests = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.StartsWith(s3.Proxy.Url.ToString(), StringComparison.Ordinal))
            {
                s3Requests.Add(request.Method);
            }
        };
        JsonElement? uploadTicket = null;
        page.Response += async (_, response) =>
        {
            if (response.Request.Method == "POST" && response.Url.EndsWith("/uploads", StringComparison.Ordinal))
            {
                uploadTicket = JsonDocument.Parse(await response.TextAsync()).RootElement.Clone();
            }
        };
        await page.SetInputFilesAsync("#file", TestImages.PathOf("photo-cups.jpg"));

        Assert.Equal("done", await WaitForOutcomeAsync(page));
        Assert.Contains("PUT", s3Requests);
        var key = (await page.Locator("#key").TextContentAsync())!;
        Assert.Equal(TestImages.Bytes("photo-cups.jpg"), await environment.ReadAsync(environment.SourceBucket, key));
        Assert.Equal(800, await page.EvalOnSelectorAsync<int>("#default-rendition", "img => img.naturalWidth"));

        // The same ticket, sent again from the page (other bytes of the same size): S3 refuses it, 412.
        var again = await page.EvaluateAsync<int>("""
            async ticket => {
              const body = new Uint8Array(ticket.length);
              const response = await fetch(ticket.url, { method: 'PUT', headers: ticket.headers, body });
              return response.status;
            }
            """, new { url = uploadTicket!.Value.GetProperty("uploadUrl").GetString(), headers = uploadTicket.Value.GetProperty("headers").Deserialize<Dictionary<string, string>>(), length = TestImages.Bytes("photo-cups.jpg").Length });
        Assert.Equal(412, again);
        Assert.Equal(TestImages.Bytes("photo-cups.jpg"), await environment.ReadAsync(environment.SourceBucket, key));
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_file_over_the_limit_says_so()
    {
        var (app, url) = Start(new Dictionary<string, string?> { ["Uploads:MaxBytes"] = "102400" });
        using var _ = app;
        var page = await OpenAsync(url);
        await page.SetInputFilesAsync("#file", TestImages.PathOf("photo-cups.jpg"));
        var outcome = await WaitForOutcomeAsync(page);
        Assert.Contains("too large", outcome, StringComparison.Ordinal);
        Assert.Contains("100 KB", outcome, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(app.SourceRoot) ? Directory.GetFiles(app.SourceRoot, "*", SearchOption.AllDirectories) : []);
        await page.CloseAsync();
    }

    [Theory]
    [InlineData("photo.bmp")]
    [InlineData("vector.svg")]
    public async Task A_type_that_is_not_allowed_says_so(string file)
    {
        var (app, url) = Start();
        using var _ = app;
        var page = await OpenAsync(url);
        await page.SetInputFilesAsync("#file", TestImages.PathOf(file));
        var outcome = await WaitForOutcomeAsync(page);
        Assert.Contains("not an image type we accept", outcome, StringComparison.Ordinal);
        Assert.Contains("JPEG, PNG, WEBP, GIF", outcome, StringComparison.Ordinal);
        await page.CloseAsync();
    }

    [Fact]
    public async Task An_expired_upload_url_says_so()
    {
        var (app, url) = Start();
        using var _ = app;
        var page = await OpenAsync(url);
        // The ticket arrives, then time passes before the file is sent.
        await page.RouteAsync("**/uploads", async route =>
        {
            var response = await route.FetchAsync();
            app.Clock.Advance(TimeSpan.FromHours(1));
            await route.FulfillAsync(new RouteFulfillOptions { Response = response });
        });
        await page.SetInputFilesAsync("#file", TestImages.PathOf("photo-cups.jpg"));
        Assert.Contains("upload link expired", await WaitForOutcomeAsync(page), StringComparison.Ordinal);
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_network_failure_during_the_upload_says_so()
    {
        var (app, url) = Start();
        using var _ = app;
        var page = await OpenAsync(url);
        await page.RouteAsync("**/uploads/uploads/**", route => route.AbortAsync("connectionreset"));
        await page.SetInputFilesAsync("#file", TestImages.PathOf("photo-cups.jpg"));
        Assert.Contains("Network failure", await WaitForOutcomeAsync(page), StringComparison.Ordinal);
        await page.CloseAsync();
    }

    [Fact]
    public async Task An_image_that_cannot_be_processed_says_why()
    {
        var (app, url) = Start();
        using var _ = app;
        var page = await OpenAsync(url);
        await page.SetInputFilesAsync("#file", TestImages.PathOf("truncated.jpg"));
        var outcome = await WaitForOutcomeAsync(page);
        Assert.Contains("could not be processed", outcome, StringComparison.Ordinal);
        Assert.Contains("cannot be decoded", outcome, StringComparison.Ordinal);
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_page_is_usable_with_the_keyboard_and_shows_focus()
    {
        var (app, url) = Start();
        using var _ = app;
        var page = await OpenAsync(url);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("file", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        var outline = await page.EvalOnSelectorAsync<string>("#drop-zone", "z => getComputedStyle(z).outlineStyle");
        Assert.NotEqual("none", outline);
        var label = await page.EvaluateAsync<string>("() => document.getElementById('file').labels[0].textContent");
        Assert.Contains("Choose an image", label, StringComparison.Ordinal);
        await page.CloseAsync();
    }

    [Fact]
    public async Task Swagger_ui_loads_and_lists_the_endpoints()
    {
        var (app, url) = Start();
        using var _ = app;
        var page = await OpenAsync(url + "swagger/index.html");
        await page.WaitForSelectorAsync(".opblock-summary-path", new PageWaitForSelectorOptions { Timeout = 30_000 });
        var paths = await page.Locator(".opblock-summary-path").AllTextContentsAsync();
        var listed = paths.Select(p => p.Replace("\u200b", "", StringComparison.Ordinal).Trim()).ToList();
        Assert.Contains("/uploads", listed);
        Assert.Contains("/uploads/{key}", listed);
        Assert.Contains("/images/{key}", listed);
        Assert.Contains("/healthz", listed);
        // The folder store has no POST /events unless Events:Enabled says so (uploads use an in-process queue).
        Assert.DoesNotContain("/events", listed);
        await page.CloseAsync();
    }

    /// <summary>The source bucket's CORS rules exactly as serverless.template declares them, with this page's origin.</summary>
    private async Task ApplyTemplateCorsAsync(string bucket, string origin)
    {
        var template = JsonDocument.Parse(await File.ReadAllTextAsync(Repository.PathOf("serverless.template"))).RootElement;
        var rule = template.GetProperty("Resources").GetProperty("SourceBucket").GetProperty("Properties").GetProperty("CorsConfiguration").GetProperty("CorsRules")[0];
        static List<string> Strings(JsonElement e) => e.EnumerateArray().Select(x => x.GetString()!).ToList();
        await s3.S3.PutCORSConfigurationAsync(new Amazon.S3.Model.PutCORSConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new Amazon.S3.Model.CORSConfiguration
            {
                Rules =
                [
                    new Amazon.S3.Model.CORSRule
                    {
                        AllowedOrigins = [origin],
                        AllowedMethods = Strings(rule.GetProperty("AllowedMethods")),
                        AllowedHeaders = Strings(rule.GetProperty("AllowedHeaders")),
                        ExposeHeaders = Strings(rule.GetProperty("ExposedHeaders")),
                        MaxAgeSeconds = rule.GetProperty("MaxAge").GetInt32(),
                    },
                ],
            },
        });
    }
}
