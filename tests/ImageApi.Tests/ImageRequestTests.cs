using System.Net;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests;

/// <summary>GET /images: parameters, statuses for every kind of bad original, hostile keys, negotiation.</summary>
public sealed class ImageRequestTests : IClassFixture<ImageRequestTests.Fixture>
{
    private readonly Fixture _fixture;
    private readonly HttpClient _client;

    public ImageRequestTests(Fixture fixture)
    {
        _fixture = fixture;
        _client = fixture.Factory.CreateClient();
    }

    public sealed class Fixture : IDisposable
    {
        // AVIF for format=auto is opt-in (Delivery:AutoAvifMaxPixels defaults to 0); these tests opt in
        // at 1,000,000 pixels, and one test below checks the default.
        public ImageApiFactory Factory { get; } = new(new Dictionary<string, string?> { ["Limits:MaxSourceBytes"] = "1000000", ["Delivery:AutoAvifMaxPixels"] = "1000000", ["Uploads:KeyPrefix"] = "samples/" });

        public Fixture()
        {
            // Originals put straight into the source folder, as if they had reached the bucket some other way.
            foreach (var name in new[] { "photo-cups.jpg", "alpha.png", "truncated.jpg", "zero-bytes.jpg", "text.jpg", "vector.svg", "photo.bmp", "photo.tiff", "huge-header.png" })
            {
                Place("samples/" + name, TestImages.Bytes(name));
            }

            Place("samples/big.jpg", new byte[1_000_001]);
            using (var tall = NetVips.Image.Black(10, 5000, bands: 4))
            {
                Place("samples/tall.png", tall.PngsaveBuffer());
            }
        }

        public void Place(string key, byte[] bytes)
        {
            var path = Path.Combine(Factory.SourceRoot, key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
        }

        public void Dispose() => Factory.Dispose();
    }

    [Theory]
    [InlineData("samples/truncated.jpg", HttpStatusCode.UnprocessableEntity, "decoded")]
    [InlineData("samples/zero-bytes.jpg", HttpStatusCode.UnprocessableEntity, "empty")]
    [InlineData("samples/text.jpg", HttpStatusCode.UnsupportedMediaType, "accepted format")]
    [InlineData("samples/vector.svg", HttpStatusCode.UnsupportedMediaType, "The original is SVG")]
    [InlineData("samples/photo.bmp", HttpStatusCode.UnsupportedMediaType, "The original is BMP")]
    [InlineData("samples/photo.tiff", HttpStatusCode.UnsupportedMediaType, "The original is TIFF")]
    [InlineData("samples/huge-header.png", HttpStatusCode.RequestEntityTooLarge, "30000×30000")]
    [InlineData("samples/big.jpg", HttpStatusCode.RequestEntityTooLarge, "1000001 bytes")]
    [InlineData("samples/missing.jpg", HttpStatusCode.NotFound, "samples/missing.jpg")]
    [InlineData("samples/tall.png?w=10", HttpStatusCode.BadRequest, "10×5000")]
    public async Task Bad_originals_get_their_status_and_the_service_keeps_serving(string path, HttpStatusCode status, string detail)
    {
        var problem = await (await _client.GetAsync("/images/" + path)).ReadProblemAsync(status);
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // No rendition was stored; a refused original is remembered and answered the same again.
        var folder = Path.Combine(_fixture.Factory.DestinationRoot, "processed", path.Split('?')[0]);
        var stored = Directory.Exists(folder) ? Directory.GetFiles(folder).Select(Path.GetFileName).ToArray() : [];
        Assert.All(stored, name => Assert.Equal("_source.json", name));
        var again = await (await _client.GetAsync("/images/" + path)).ReadProblemAsync(status);
        Assert.Equal(problem.GetProperty("detail").GetString(), again.GetProperty("detail").GetString());

        var (_, _, info) = await _client.GetImageAsync("/images/samples/photo-cups.jpg?w=64");
        Assert.Equal(64, info.Width);
    }

    [Theory]
    [InlineData("w=-1", "w")]
    [InlineData("w=0", "w")]
    [InlineData("w=100000", "w")]
    [InlineData("w=99999999999999999999999", "w")]
    [InlineData("w=abc", "w")]
    [InlineData("w=1.5", "w")]
    [InlineData("h=0", "h")]
    [InlineData("q=0", "q")]
    [InlineData("q=1000", "q")]
    [InlineData("fit=zoom", "fit")]
    [InlineData("format=tiff", "format")]
    [InlineData("zoom=2", "zoom")]
    [InlineData("w=100&w=200", "w")]
    [InlineData("w=100&W=200", "w")]
    public async Task Bad_parameters_are_400_naming_the_parameter_and_allowed_values(string query, string parameter)
    {
        var problem = await (await _client.GetAsync("/images/samples/photo-cups.jpg?" + query)).ReadProblemAsync(HttpStatusCode.BadRequest);
        var error = problem.GetProperty("errors").GetProperty(parameter);
        Assert.False(string.IsNullOrEmpty(error.GetProperty("allowed").GetString()));
        Assert.Contains(parameter, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parameters_are_checked_before_the_original_is_looked_up()
    {
        // A bad parameter on a missing original is still a 400: the request is wrong whatever is stored.
        await (await _client.GetAsync("/images/samples/missing.jpg?w=0")).ReadProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/images/samples%2F..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/images/samples/%2E%2E/%2E%2E/etc/passwd")]
    [InlineData("/images/samples%5C..%5Cphoto-cups.jpg")]
    [InlineData("/images/samples/photo%01.jpg")]
    [InlineData("/images/samples/photo%0A.jpg")]
    [InlineData("/images/samples//photo-cups.jpg")]
    [InlineData("/images/%2Fetc%2Fpasswd")]
    public async Task Hostile_keys_never_reach_outside_the_store(string path)
    {
        var response = await _client.GetAsync(path);
        Assert.True(
            response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound,
            $"{path}: {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Overlong_keys_are_400()
    {
        var problem = await (await _client.GetAsync("/images/samples/" + new string('a', 1000) + ".jpg")).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("longer than", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_routes_are_404_problems()
    {
        var response = await _client.GetAsync("/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    // Chrome's and Firefox's image Accept headers name AVIF first; AVIF wins while the output is small.
    [Theory]
    [InlineData("image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8", "samples/photo-cups.jpg", "avif")]
    [InlineData("image/avif,image/webp", "samples/alpha.png", "avif")]
    [InlineData("image/webp,*/*", "samples/photo-cups.jpg", "webp")]
    [InlineData("image/avif;q=0,image/webp", "samples/photo-cups.jpg", "webp")]
    [InlineData("image/jpeg,image/png,*/*;q=0.5", "samples/photo-cups.jpg", "jpeg")]
    [InlineData("image/jpeg,image/png,*/*;q=0.5", "samples/alpha.png", "png")]
    [InlineData("image/webp;q=0,*/*", "samples/photo-cups.jpg", "jpeg")]
    [InlineData(null, "samples/photo-cups.jpg", "jpeg")]
    [InlineData(null, "samples/alpha.png", "png")]
    public async Task Format_auto_negotiates_on_accept(string? accept, string key, string expected)
    {
        var (response, _, image) = await _client.GetImageAsync($"/images/{key}?w=50&format=auto", accept);
        Assert.Equal(expected, image.Format);
        Assert.Equal(ImageApi.Processing.Formats.OutputFormats.Find(expected)!.ContentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(50, image.Width);
        Assert.Contains("Accept", response.Headers.Vary);

        // Transparency survives every format auto picks for a transparent original.
        Assert.Equal(key.EndsWith(".png", StringComparison.Ordinal), image.HasAlpha);
    }

    [Fact]
    public async Task By_default_format_auto_never_picks_avif()
    {
        using var factory = new ImageApiFactory();
        using var client = factory.CreateClient();
        var upload = await client.UploadAsync("photo-cups.jpg", "image/jpeg");
        var (response, _, image) = await client.GetImageAsync(upload.Image("w=200&format=auto"), "image/avif,image/webp");
        Assert.Equal("webp", image.Format);
        Assert.Contains("Accept", response.Headers.Vary);
    }

    [Fact]
    public async Task Format_auto_picks_webp_over_avif_above_the_avif_pixel_limit()
    {
        // 1280×800 is 1,024,000 pixels, over Delivery:AutoAvifMaxPixels (1,000,000): AVIF's encode
        // time grows with the area, so large outputs go to the next format the client takes.
        var (big, _, large) = await _client.GetImageAsync("/images/samples/photo-cups.jpg?w=1280&format=auto", "image/avif,image/webp");
        Assert.Equal(("webp", 1280), (large.Format, large.Width));
        Assert.Contains("Accept", big.Headers.Vary);

        // 1200×750 is 900,000 pixels: AVIF.
        var (_, _, smaller) = await _client.GetImageAsync("/images/samples/photo-cups.jpg?w=1200&format=auto", "image/avif,image/webp");
        Assert.Equal(("avif", 1200, 750), (smaller.Format, smaller.Width, smaller.Height));
    }

    [Theory]
    [InlineData("png", "image/webp")]
    [InlineData("avif", "image/jpeg")]
    [InlineData("avif", null)]
    [InlineData("jpeg", "image/avif,image/webp")]
    public async Task Explicit_formats_do_not_vary_on_accept(string format, string? accept)
    {
        var (response, _, image) = await _client.GetImageAsync($"/images/samples/photo-cups.jpg?w=50&format={format}", accept);
        Assert.Equal(format, image.Format);
        Assert.Equal(ImageApi.Processing.Formats.OutputFormats.Find(format)!.ContentType, response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("Accept", response.Headers.Vary);
    }

    [Fact]
    public async Task Spelling_variants_share_one_stored_rendition()
    {
        await _client.GetImageAsync("/images/samples/photo-cups.jpg?w=120&h=90&fit=cover&format=jpeg&q=70");
        var generated = _fixture.Factory.RenditionsGenerated;
        var (response, _, info) = await _client.GetImageAsync("/images/samples/photo-cups.jpg?Q=70&FORMAT=JPEG&Fit=Cover&h=090&w=120");
        Assert.Equal((120, 90), (info.Width, info.Height));
        Assert.Contains("cache;desc=hit", response.Headers.GetValues("Server-Timing").Single(), StringComparison.Ordinal);
        Assert.Equal(generated, _fixture.Factory.RenditionsGenerated);
    }

    [Fact]
    public async Task Head_answers_headers_without_a_body()
    {
        var response = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/images/samples/photo-cups.jpg?w=32"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/webp", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.ETag);
    }

    [Fact]
    public async Task If_none_match_with_another_etag_gets_the_image()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/images/samples/photo-cups.jpg?w=33");
        request.Headers.IfNoneMatch.Add(new("\"something-else\""));
        var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
