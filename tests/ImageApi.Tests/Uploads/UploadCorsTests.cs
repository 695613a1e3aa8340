using System.Net;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Uploads;

/// <summary><c>Uploads:AllowedOrigins</c>: a page on another origin may ask for a ticket and PUT the file (embedded mode).</summary>
public sealed class UploadCorsTests
{
    private const string Page = "https://app.example.com";

    [Theory]
    [InlineData("/uploads", "POST", "content-type,x-api-key")]
    [InlineData("/uploads/uploads/2026/01/01/abc/a.jpg?signature=x", "PUT", "content-type")]
    public async Task A_preflight_from_an_allowed_origin_is_answered(string path, string method, string headers)
    {
        using var app = new ImageApiFactory(new Dictionary<string, string?> { ["Uploads:AllowedOrigins:0"] = Page });
        var response = await PreflightAsync(app.CreateClient(), path, Page, method, headers);

        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}");
        Assert.Equal(Page, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains(method, string.Join(",", response.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.Ordinal);
        Assert.Contains("content-type", string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Another_origin_gets_no_cors_headers()
    {
        using var app = new ImageApiFactory(new Dictionary<string, string?> { ["Uploads:AllowedOrigins:0"] = Page });
        var response = await PreflightAsync(app.CreateClient(), "/uploads", "https://evil.example", "POST", "content-type");
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Without_allowed_origins_only_the_same_origin_may_upload()
    {
        using var app = new ImageApiFactory();
        var response = await PreflightAsync(app.CreateClient(), "/uploads", Page, "POST", "content-type");
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_ticket_request_from_an_allowed_origin_can_be_read_by_its_page()
    {
        using var app = new ImageApiFactory(new Dictionary<string, string?> { ["Uploads:AllowedOrigins:0"] = Page });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/uploads")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { fileName = "a.jpg", contentType = "image/jpeg", contentLength = 10 }),
        };
        request.Headers.Add("Origin", Page);
        var response = await app.CreateClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(Page, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task An_origin_with_a_path_stops_start_up()
    {
        var (exit, output) = await Repository.RunAppUntilExitAsync(new Dictionary<string, string?> { ["Uploads:AllowedOrigins:0"] = "https://app.example.com/" });
        Assert.NotEqual(0, exit);
        Assert.Contains("Uploads:AllowedOrigins must each be", output, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PreflightAsync(HttpClient client, string path, string origin, string method, string headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return await client.SendAsync(request);
    }
}
