using System.Net;
using System.Text.Json;
using ImageApi.Processing.Limits;
using ImageApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ImageApi.Tests.Security;

/// <summary>
/// The global decode budget under a burst of large originals: renders that do not fit wait briefly,
/// then are answered 503 (busy, with Retry-After), never 500, and never more than the budget is held.
/// </summary>
public sealed class DecodeBudgetTests(ITestOutputHelper output) : IDisposable
{
    private const int BudgetMegabytes = 40;

    // Each original is 2000×1200 16-bit RGBA: 18.3 MB decoded, so two renders (with their outputs or
    // the intermediate) rarely fit in the 40 MB budget together, and a third never does.
    private readonly ImageApiFactory _factory = new(new Dictionary<string, string?>
    {
        ["Limits:DecodeBudgetMegabytes"] = BudgetMegabytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Limits:MaxDecodedMegabytes"] = BudgetMegabytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Limits:DecodeBudgetWait"] = "00:00:00.2",
        ["RateLimits:RenditionsPerMinute"] = "0",
    });

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Sixteen_concurrent_renders_of_large_deep_pngs_get_200_or_503_busy_and_the_budget_holds()
    {
        var client = _factory.CreateClient();
        var keys = Enumerable.Range(0, 4).Select(i => $"uploads/budget/deep-{i}.png").ToList();
        for (var i = 0; i < keys.Count; i++)
        {
            var path = Path.Combine(_factory.SourceRoot, keys[i]);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, GeneratedImages.DeepRgbaPng(2000, 1200, seed: i));
        }

        // 16 distinct renditions (4 originals × 4 sizes), so no two requests share one render.
        var urls = keys.SelectMany(key => new[] { 300, 500, 700, 900 }.Select(w => $"/images/{key}?w={w}&format=png")).ToList();
        var budget = _factory.Services.GetRequiredService<DecodeBudget>();
        Assert.Equal(BudgetMegabytes, budget.Megabytes);

        using var start = new SemaphoreSlim(0);
        var requests = urls.Select(async url =>
        {
            await start.WaitAsync();
            var response = await client.GetAsync(url);
            return (Url: url, Response: response, Body: await response.Content.ReadAsStringAsync());
        }).ToList();
        start.Release(urls.Count);
        var answers = await Task.WhenAll(requests);

        var ok = 0;
        var busy = new List<string>();
        foreach (var (url, response, body) in answers)
        {
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{url}: {(int)response.StatusCode} {body}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                ok++;
                Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
                continue;
            }

            busy.Add(url);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("urn:imageapi:problem:busy", JsonDocument.Parse(body).RootElement.GetProperty("type").GetString());
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"{url}: 503 without Retry-After");
        }

        output.WriteLine($"{ok} × 200, {busy.Count} × 503; peak {budget.Peak / 1048576.0:0.0} MB of {BudgetMegabytes} MB");

        // The first render always finds the budget empty.
        Assert.True(ok >= 1, "no request was served");
        Assert.InRange(budget.Peak, 1, BudgetMegabytes * 1024L * 1024L);
        Assert.Equal(0, budget.Held); // every lease was returned, refused or not

        // Busy is transient: nothing was recorded against the originals, and asked again one at a time
        // each refused rendition is served.
        foreach (var url in busy)
        {
            var (response, _, image) = await client.GetImageAsync(url);
            Assert.Equal("png", image.Format);
            Assert.True(image.HasAlpha);
            Assert.Equal(int.Parse(url[(url.IndexOf("w=", StringComparison.Ordinal) + 2)..url.IndexOf('&', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture), image.Width);
            Assert.Contains("cache;desc=miss", response.Headers.GetValues("Server-Timing").Single(), StringComparison.Ordinal);
        }

        Assert.Equal(0, budget.Held);
        Assert.InRange(budget.Peak, 1, BudgetMegabytes * 1024L * 1024L);
    }
}
