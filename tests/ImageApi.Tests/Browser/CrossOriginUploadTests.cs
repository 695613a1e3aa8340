using ImageApi.Tests.Infrastructure;
using Microsoft.Playwright;

namespace ImageApi.Tests.Browser;

/// <summary>
/// A page on one origin uploads to the API on another (two ports of 127.0.0.1), in Chromium, as a site's
/// own page would: ticket, PUT, rendition. Only an origin in <c>Uploads:AllowedOrigins</c> may.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CrossOriginUploadTests(BrowserFixture browser)
{
    private const string Script = """
        async ({ api, b64 }) => {
          try {
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            const asked = await fetch(api + 'uploads', { method: 'POST', headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ fileName: 'cross.png', contentType: 'image/png', contentLength: bytes.length }) });
            const ticket = await asked.json();
            const put = await fetch(ticket.uploadUrl, { method: ticket.method, headers: ticket.headers, body: bytes });
            return `ticket ${asked.status}, put ${put.status}, key ${ticket.key}`;
          } catch (e) {
            return 'blocked: ' + e.message;
          }
        }
        """;

    private static (ImageApiFactory App, string Url) Start(IDictionary<string, string?>? settings = null)
    {
        var app = new ImageApiFactory(settings);
        var port = MotoServer.FreePort();
        app.UseKestrel(port);
        app.StartServer();
        return (app, $"http://127.0.0.1:{port}/");
    }

    [Fact]
    public async Task A_page_on_an_allowed_origin_uploads_to_the_api_on_another()
    {
        var (site, siteUrl) = Start();
        using var _ = site;
        var (api, apiUrl) = Start(new Dictionary<string, string?> { ["Uploads:AllowedOrigins:0"] = siteUrl.TrimEnd('/') });
        using var __ = api;

        var outcome = await UploadFromAsync(siteUrl, apiUrl);

        Assert.StartsWith("ticket 201, put 200, key uploads/", outcome, StringComparison.Ordinal);
        var key = outcome[(outcome.IndexOf("key ", StringComparison.Ordinal) + 4)..];
        Assert.Equal(TestImages.Bytes("alpha.png"), await File.ReadAllBytesAsync(Path.Combine(api.SourceRoot, key)));
    }

    [Fact]
    public async Task A_page_on_another_origin_is_blocked_by_the_browser()
    {
        var (site, siteUrl) = Start();
        using var _ = site;
        var (api, apiUrl) = Start();
        using var __ = api;

        Assert.StartsWith("blocked: ", await UploadFromAsync(siteUrl, apiUrl), StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(api.SourceRoot) ? Directory.GetFiles(api.SourceRoot, "*", SearchOption.AllDirectories) : []);
    }

    private async Task<string> UploadFromAsync(string siteUrl, string apiUrl)
    {
        var page = await browser.Browser.NewPageAsync();
        try
        {
            // Any page of that origin but the upload page, whose own policy allows it only its own API:
            // the site's page stands for a customer's page, which this service does not serve.
            await page.GotoAsync(siteUrl + "healthz");
            return await page.EvaluateAsync<string>(Script, new { api = apiUrl, b64 = Convert.ToBase64String(TestImages.Bytes("alpha.png")) });
        }
        finally
        {
            await page.CloseAsync();
        }
    }
}
