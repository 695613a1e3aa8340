using System.Net;
using ImageApi.Processing.Naming;
using ImageApi.Processing.Security;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Http;

/// <summary>One spelling per object and per signature, so no request bypasses the CDN cache; and only uploads are looked up.</summary>
public sealed class CanonicalSpellingTests : IDisposable
{
    private const string Image = "uploads/c/photo.jpg";
    private const string Key = "0123456789abcdefghijKLMNOPQRSTUVWXYZ-_=+!";

    private readonly ImageApiFactory _factory = new(new Dictionary<string, string?>
    {
        ["RateLimits:RenditionsPerMinute"] = "0",
        ["Signing:Required"] = "true",
        ["Signing:Keys:0"] = Key,
    });

    public CanonicalSpellingTests()
    {
        var path = Path.Combine(_factory.SourceRoot, Image);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, TestImages.Bytes("photo-cups.jpg"));
    }

    public void Dispose() => _factory.Dispose();

    private static string Sign(string query) => new TransformSigner([Key]).Sign(SourceKey.Parse(Image), query);

    [Fact]
    public async Task A_canonical_signature_is_accepted()
    {
        var response = await _factory.CreateClient().GetAsync($"/images/{Image}?w=100&sig={Sign("w=100")}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_signature_in_the_standard_base64_alphabet_is_refused()
    {
        // Find a query whose signature has '-' or '_', so the standard alphabet spells it differently.
        var width = Enumerable.Range(100, 200).First(w => Sign($"w={w}").IndexOfAny(['-', '_']) >= 0);
        var canonical = Sign($"w={width}");
        var standard = canonical.Replace('-', '+').Replace('_', '/');
        var response = await _factory.CreateClient().GetAsync($"/images/{Image}?w={width}&sig={Uri.EscapeDataString(standard)}");
        await response.ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_signature_with_its_spare_bits_set_is_refused()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var canonical = Sign("w=100");
        var last = alphabet.IndexOf(canonical[^1], StringComparison.Ordinal);
        Assert.Equal(0, last & 3);
        foreach (var spare in new[] { 1, 2, 3 })
        {
            var other = canonical[..^1] + alphabet[last | spare];
            var response = await _factory.CreateClient().GetAsync($"/images/{Image}?w=100&sig={other}");
            await response.ReadProblemAsync(HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task An_encoded_slash_is_decoded_once_and_a_double_encoded_one_is_another_key()
    {
        // Kestrel, as in production: the in-process test server hands the app no raw request target.
        _factory.UseKestrel(0);
        _factory.StartServer();
        using var client = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/images/uploads%2Fc%2Fphoto.jpg")).StatusCode);
        var response = await client.GetAsync("/images/uploads%252Fc%252Fphoto.jpg");
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{(int)response.StatusCode}");
        await response.ReadProblemAsync(response.StatusCode);
    }

    [Theory]
    [InlineData("/Images/")]
    [InlineData("/IMAGES/")]
    [InlineData("/iMages/")]
    public async Task The_path_prefix_is_matched_ordinally(string prefix)
    {
        var client = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/images/" + Image)).StatusCode);
        await (await client.GetAsync(prefix + Image)).ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("other/photo.jpg")]
    [InlineData("processed/uploads/c/photo.jpg/_source.json")]
    [InlineData("Uploads/c/photo.jpg")]
    public async Task Keys_outside_the_upload_prefix_are_404_without_touching_storage(string key)
    {
        var path = Path.Combine(_factory.SourceRoot, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, TestImages.Bytes("photo-cups.jpg"));
        var calls = new StorageCalls();
        using var app = _factory.Counting(calls);
        await (await app.CreateClient().GetAsync("/images/" + key)).ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty(calls.All);
    }
}
