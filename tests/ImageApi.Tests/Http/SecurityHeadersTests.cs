using System.Net;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Http;

/// <summary>nosniff on every answer, a strict policy on the upload page, and no Server header.</summary>
public sealed class SecurityHeadersTests : IDisposable
{
    private readonly ImageApiFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Theory]
    [InlineData("/", HttpStatusCode.OK)]
    [InlineData("/app.js", HttpStatusCode.OK)]
    [InlineData("/healthz", HttpStatusCode.OK)]
    [InlineData("/swagger/v1/swagger.json", HttpStatusCode.OK)]
    [InlineData("/images/uploads/none.jpg", HttpStatusCode.NotFound)]
    [InlineData("/images/uploads/none.jpg?w=0", HttpStatusCode.BadRequest)]
    [InlineData("/nothing-here", HttpStatusCode.NotFound)]
    public async Task Every_answer_says_nosniff(string path, HttpStatusCode status)
    {
        var response = await _factory.CreateClient().GetAsync(path);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
    }

    [Fact]
    public async Task A_stored_image_says_nosniff()
    {
        var client = _factory.CreateClient();
        var uploaded = await client.UploadAsync("photo-cups.jpg", "image/jpeg");
        var path = uploaded.ImageUrl.AbsolutePath;
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/index.html")]
    public async Task The_upload_page_has_a_policy_that_forbids_framing_and_foreign_scripts(string path)
    {
        var response = await _factory.CreateClient().GetAsync(path);
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_upload_page_needs_nothing_the_policy_forbids()
    {
        // Same-origin files only: no inline script, style or handler the policy would block.
        var html = await _factory.CreateClient().GetStringAsync("/");
        Assert.Matches("<script src=\"app.js\"", html);
        Assert.DoesNotMatch("<script>|<script [^>]*>[^<]|<style|style=\"| on[a-z]+=\"", html);
    }

    [Fact]
    public async Task Kestrel_sends_no_server_header()
    {
        using var factory = new ImageApiFactory();
        factory.UseKestrel(0);
        factory.StartServer();
        using var client = factory.CreateClient();
        var response = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Server"), string.Join(",", response.Headers.Select(h => h.Key)));
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
    }
}
