using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Security;

/// <summary>
/// <c>Delivery:OriginSecret</c>: requests that come around CloudFront (the API's own URL) are refused,
/// and their forwarded headers (viewer address, host, scheme) can no longer steer the service.
/// </summary>
public sealed class OriginSecretTests : IDisposable
{
    private const string Secret = "0123456789abcdefghijklmnopqrstuvwxyzABCD";

    private readonly ImageApiFactory _app = new(new Dictionary<string, string?>
    {
        ["Delivery:OriginSecret"] = Secret,
        ["Delivery:TrustForwardedHeaders"] = "true",
        ["RateLimits:UploadsPerMinute"] = "1",
    });

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    [InlineData(Secret + "x")]
    public async Task A_request_without_the_secret_is_403_problem_json(string? given)
    {
        var response = await SendAsync(HttpMethod.Get, "/images/uploads/a.jpg", given);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("urn:imageapi:problem:origin-rejected", problem.GetProperty("type").GetString());

        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, "/uploads", given, Upload())).StatusCode);
    }

    [Fact]
    public async Task With_the_secret_requests_are_served_and_forwarded_headers_count()
    {
        var ticket = await SendAsync(HttpMethod.Post, "/uploads", Secret, Upload(), ("X-Viewer-Host", "images.example.com"), ("X-Viewer-Proto", "https"));
        Assert.Equal(HttpStatusCode.Created, ticket.StatusCode);
        var body = JsonDocument.Parse(await ticket.Content.ReadAsStringAsync()).RootElement;
        Assert.StartsWith("https://images.example.com/images/", body.GetProperty("imageUrl").GetString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "/images/uploads/none.jpg", Secret)).StatusCode);
    }

    [Fact]
    public async Task Forged_forwarded_headers_without_the_secret_change_nothing()
    {
        // Without the secret: refused, and it does not spend the viewer's rate limit either.
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, "/uploads", null, Upload(), ("CloudFront-Viewer-Address", "198.51.100.1:1"), ("X-Viewer-Host", "evil.example"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, "/uploads", Secret, Upload(), ("CloudFront-Viewer-Address", "198.51.100.1:1"))).StatusCode);
    }

    [Fact]
    public async Task Health_needs_no_secret()
    {
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/healthz", null)).StatusCode);
    }

    private static JsonContent Upload() => JsonContent.Create(new { fileName = "a.jpg", contentType = "image/jpeg", contentLength = 10 });

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? secret, HttpContent? content = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (secret is not null)
        {
            request.Headers.Add("X-Origin-Secret", secret);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return await _app.CreateClient().SendAsync(request);
    }
}
