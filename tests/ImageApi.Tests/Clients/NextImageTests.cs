using System.Net;
using System.Text.Json;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Clients;

/// <summary>
/// Next.js's own <c>getImageProps</c> (next/image, from npm: ./test.sh installs tests/clients/next)
/// with the CloudFront and imgix loaders of docs/recipes, run under Node.js against the service on a
/// real port: every URL of every srcset it builds is a 200 at the width Next asked for, and with
/// Renditions:AllowedWidths set to Next's default device and image sizes nothing else is accepted.
/// </summary>
public sealed class NextImageTests
{
    private static readonly string Client = Repository.PathOf("tests", "clients", "next");

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Srcsets(int[] DeviceSizes, int[] ImageSizes, Dictionary<string, Candidate[]> Loaders);

    private sealed record Candidate(string Url, int Width);

    private static async Task<Srcsets> SrcsetsAsync(string baseUrl, string src)
    {
        Assert.True(Directory.Exists(Path.Combine(Client, "node_modules", "next")), "next is not installed in tests/clients/next: run ./test.sh, which installs it.");
        var start = new System.Diagnostics.ProcessStartInfo("node", [Path.Combine(Client, "srcset.mjs"), src])
        {
            WorkingDirectory = Client,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["NEXT_PUBLIC_IMAGEAPI_URL"] = baseUrl;
        using var node = System.Diagnostics.Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var error = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(node.ExitCode == 0, await error);
        return JsonSerializer.Deserialize<Srcsets>(await output, Json)!;
    }

    [Fact]
    public async Task Every_srcset_url_of_both_loaders_is_served_at_the_width_next_asked_for()
    {
        // Next's defaults, as the installed version has them; then the service allows exactly those widths.
        var defaults = await SrcsetsAsync("http://127.0.0.1/", "/images/x.jpg");
        int[] allowed = [.. defaults.DeviceSizes, .. defaults.ImageSizes];
        var settings = allowed.Select((w, i) => KeyValuePair.Create($"Renditions:AllowedWidths:{i}", (string?)w.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Append(KeyValuePair.Create("Renditions:AllowEnlargement", (string?)"true")) // 3840 from a 1280 photo: the width asked, not the photo's
            .Append(KeyValuePair.Create("RateLimits:RenditionsPerMinute", (string?)"0"))
            .ToDictionary();
        using var app = new ImageApiFactory(settings);
        var port = MotoServer.FreePort();
        app.UseKestrel(port);
        app.StartServer();
        var baseUrl = $"http://127.0.0.1:{port}";
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        var ticket = await http.UploadAsync("photo-cups.jpg", "image/jpeg");

        var srcsets = await SrcsetsAsync(baseUrl, ticket.ImageUrl.AbsolutePath);
        Assert.Equal(["cloudfront", "imgix"], srcsets.Loaders.Keys.Order());
        foreach (var (loader, candidates) in srcsets.Loaders)
        {
            Assert.Equal(allowed.Order(), candidates.Select(c => c.Width).Distinct().Order());
            foreach (var candidate in candidates.DistinctBy(c => c.Url))
            {
                Assert.StartsWith(baseUrl + "/images/", candidate.Url, StringComparison.Ordinal);
                var (_, _, image) = await http.GetImageAsync(candidate.Url);
                Assert.True(candidate.Width == image.Width, $"{loader}: {candidate.Url} is {image.Width} wide, Next asked for {candidate.Width}");
            }
        }

        // Any other width is refused, whichever loader's spelling asks for it.
        foreach (var query in new[] { "format=auto&width=641&quality=75", "auto=format&fit=max&w=500", "w=100" })
        {
            var problem = await (await http.GetAsync(ticket.Image(query))).ReadProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains("one of 32, 48, 64", problem.GetProperty("errors").GetProperty("w").GetProperty("allowed").GetString(), StringComparison.Ordinal);
        }
    }
}
