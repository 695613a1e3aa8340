using System.Net;
using ImageApi.Tests.Http;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Images;

/// <summary>What a request costs storage before the original is known to exist, and what format=auto reads.</summary>
public sealed class OriginalLookupTests : IDisposable
{
    private readonly ImageApiFactory _factory = new(new Dictionary<string, string?>
    {
        ["RateLimits:RenditionsPerMinute"] = "0",
        // AVIF for auto only up to 1000 pixels, so auto with AVIF in Accept needs the original's size.
        ["Delivery:AutoAvifMaxPixels"] = "1000",
    });

    public void Dispose() => _factory.Dispose();

    [Theory]
    [InlineData("")]
    [InlineData("?w=300")]
    [InlineData("?w=300&format=auto")]
    public async Task A_bogus_key_costs_one_head_and_nothing_else(string query)
    {
        var calls = new StorageCalls();
        using var app = _factory.Counting(calls);
        var client = app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Accept", "image/jpeg");
        await (await client.GetAsync("/images/uploads/2026/bogus/none.jpg" + query)).ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(["source HEAD uploads/2026/bogus/none.jpg"], calls.All);
    }

    [Fact]
    public async Task Format_auto_after_an_upload_reads_no_byte_of_the_original()
    {
        var client = _factory.CreateClient();
        var uploaded = await client.UploadAsync("photo-cups.jpg", "image/jpeg");
        var (key, path) = (uploaded.Key, uploaded.ImageUrl.AbsolutePath);
        await ApiClient.WaitForFileAsync(Path.Combine(_factory.DestinationRoot, "processed"), "_source.json", TimeSpan.FromSeconds(30));
        var readAtUpload = _factory.OriginalBytesRead;
        Assert.True(readAtUpload > 0);

        // AVIF and WebP accepted, the output over the AVIF size: WebP, the default rendition made at upload.
        // Choosing needs the original's size, which the upload recorded.
        using var request = new HttpRequestMessage(HttpMethod.Get, path + "?format=auto");
        request.Headers.TryAddWithoutValidation("Accept", "image/avif,image/webp,*/*");
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/webp", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(readAtUpload, _factory.OriginalBytesRead);
        Assert.Contains("\"hasAlpha\"", await File.ReadAllTextAsync(Directory.EnumerateFiles(_factory.DestinationRoot, "_source.json", SearchOption.AllDirectories).Single()), StringComparison.Ordinal);
        Assert.StartsWith("uploads/", key, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Format_auto_for_a_client_without_webp_reads_the_facts_not_the_original_once_its_rendition_exists()
    {
        var client = _factory.CreateClient();
        var uploaded = await client.UploadAsync("photo-cups.jpg", "image/jpeg");
        var path = uploaded.ImageUrl.AbsolutePath;
        await ApiClient.WaitForFileAsync(Path.Combine(_factory.DestinationRoot, "processed"), "_source.json", TimeSpan.FromSeconds(30));
        using (var first = new HttpRequestMessage(HttpMethod.Get, path + "?w=200&format=auto"))
        {
            first.Headers.TryAddWithoutValidation("Accept", "image/jpeg");
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(first)).StatusCode);
        }

        // Another instance (nothing in memory) on the same storage: the record says there is no alpha.
        using var other = new ImageApiFactory(new Dictionary<string, string?> { ["Storage:FileRoot"] = _factory.Root });
        using var second = new HttpRequestMessage(HttpMethod.Get, path + "?w=200&format=auto");
        second.Headers.TryAddWithoutValidation("Accept", "image/jpeg");
        var response = await other.CreateClient().SendAsync(second);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, other.OriginalBytesRead);
        Assert.Equal(0, other.RenditionsGenerated);
    }
}
