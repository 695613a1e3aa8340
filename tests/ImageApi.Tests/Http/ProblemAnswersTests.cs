using System.Net;
using System.Net.Http.Json;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Http;

/// <summary>Every handled error is problem+json, whatever the client's Accept header says.</summary>
public sealed class ProblemAnswersTests : IDisposable
{
    private readonly ImageApiFactory _factory = new(new Dictionary<string, string?> { ["RateLimits:UploadsPerMinute"] = "1" });

    public void Dispose() => _factory.Dispose();

    public static TheoryData<string> BrowserAccepts => new()
    {
        "image/webp",
        "image/*",
        "text/html",
        "image/avif,image/webp,image/apng,image/svg+xml,image/*;q=0.8",
    };

    [Theory]
    [MemberData(nameof(BrowserAccepts))]
    public async Task A_missing_original_is_a_404_problem_whatever_accept_says(string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/images/uploads/2026/no-such-image.jpg");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        var problem = await (await _factory.CreateClient().SendAsync(request)).ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("urn:imageapi:problem:source-not-found", problem.GetProperty("type").GetString());
        Assert.DoesNotContain(_factory.Logs, line => line.StartsWith("Error", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(BrowserAccepts))]
    public async Task Bad_parameters_and_unknown_paths_are_problems_whatever_accept_says(string accept)
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Accept", accept);
        await (await client.GetAsync("/images/uploads/a.jpg?w=0")).ReadProblemAsync(HttpStatusCode.BadRequest);
        await (await client.GetAsync("/no-such-page")).ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("image/*")]
    public async Task A_rate_limited_upload_keeps_its_retry_after_whatever_accept_says(string accept)
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Accept", accept);
        var body = new { fileName = "a.jpg", contentType = "image/jpeg", contentLength = 10 };
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/uploads", body)).StatusCode);
        var limited = await client.PostAsJsonAsync("/uploads", body);
        await limited.ReadProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited.Headers.RetryAfter);
    }

    [Theory]
    [InlineData("999999999999")]
    [InlineData("253402300800")]
    public async Task An_expiry_past_the_last_representable_second_is_a_400_naming_exp(string exp)
    {
        var response = await _factory.CreateClient().GetAsync($"/images/uploads/a.jpg?w=100&exp={exp}");
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("exp", out _), problem.ToString());
    }

    [Fact]
    public async Task The_last_representable_second_is_still_an_expiry()
    {
        // Parsed (not a 400): the original is missing, so a 404.
        var response = await _factory.CreateClient().GetAsync("/images/uploads/a.jpg?w=100&exp=253402300799");
        await response.ReadProblemAsync(HttpStatusCode.NotFound);
    }
}
