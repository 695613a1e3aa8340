using System.Net;
using System.Text.Json;
using ImageApi.Processing.Transforms;
using ImageApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ImageApi.Tests.Images;

/// <summary>
/// Watermarks through the service on the folder store: every rendition of a covered original is marked
/// (at upload, every size and format, auto and AVIF), thumbnails and uncovered originals are not, and
/// nothing a URL names reaches an unmarked copy.
/// </summary>
public sealed class WatermarkFlowTests : IDisposable
{
    private readonly string _marks = Path.Combine(Path.GetTempPath(), "imageapi-marks-" + Guid.NewGuid().ToString("N"));
    private readonly ImageApiFactory _app;
    private readonly HttpClient _client;

    public WatermarkFlowTests()
    {
        // Uploads (uploads/<date>/…) are covered; uploads/public/ is not.
        var settings = Watermarking.Settings(_marks, Watermarking.RedMark(), keyPrefixes: "uploads/2");
        settings["Delivery:AutoAvifMaxPixels"] = "1000000";
        _app = new ImageApiFactory(settings);
        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _app.Dispose();
        Directory.Delete(_marks, recursive: true);
    }

    private static readonly RenditionDefaults Defaults = new();

    private async Task<(Ticket Ticket, string Folder)> UploadAsync(string name = "photo-cups.jpg")
    {
        var ticket = await _client.UploadAsync(name, "image/jpeg");
        var folder = Path.Combine(_app.DestinationRoot, "processed", ticket.Key);
        await ApiClient.WaitForFileAsync(folder, "_source.json", TimeSpan.FromSeconds(30));
        return (ticket, folder);
    }

    private static string Fingerprint(string folder) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "_source.json"))).RootElement.GetProperty("watermark").GetString()!;

    [Fact]
    public async Task The_default_rendition_made_at_upload_is_marked_and_named_by_the_mark()
    {
        var (ticket, folder) = await UploadAsync();
        var fingerprint = Fingerprint(folder);
        Assert.Matches("^[0-9a-f]{10}$", fingerprint);
        var stored = Path.Combine(folder, $"w800-h800-inside-q80-wm{fingerprint}.webp");
        Assert.True(File.Exists(stored), string.Join(", ", Directory.GetFiles(folder).Select(Path.GetFileName)));
        Assert.False(File.Exists(Path.Combine(folder, "w800-h800-inside-q80.webp")));

        var defaultSpec = TransformRequest.Default(Defaults).Resolve(Defaults);
        Watermarking.AssertMarked(Decoded.From(await File.ReadAllBytesAsync(stored)), Watermarking.Unmarked(_app, TestImages.Bytes("photo-cups.jpg"), defaultSpec), "default rendition");

        var (_, served, _) = await _client.GetImageAsync(ticket.Image());
        Assert.Equal(await File.ReadAllBytesAsync(stored), served);
    }

    public static TheoryData<string, string?, string> Requests => new()
    {
        { "w=300", null, "webp" },
        { "w=1000&format=jpeg&q=90", null, "jpeg" },
        { "w=500&format=png", null, "png" },
        { "w=400&format=avif", null, "avif" },
        { "w=400&format=gif", null, "gif" },
        { "w=600&h=600&fit=cover", null, "webp" },
        { "w=640&h=200&fit=contain&format=png", null, "png" },
        { "w=500&format=auto", "image/avif,image/webp", "avif" },
        { "w=500&format=auto", "image/webp", "webp" },
        { "w=500&format=auto", "image/jpeg", "jpeg" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Every_size_and_format_of_a_covered_original_is_marked(string query, string? accept, string format)
    {
        var (ticket, folder) = await UploadAsync();
        var (response, bytes, marked) = await _client.GetImageAsync(ticket.Image(query), accept);
        Assert.Equal(format, marked.Format);

        var parsed = _app.Services.GetRequiredService<TransformParser>().Parse(query.Split('&').Select(p => p.Split('=')).Select(p => KeyValuePair.Create(p[0], (string?)p[1])));
        var spec = parsed.Request.Resolve(Processing.Transforms.FormatSupport.FromAccept(accept), false, marked.Width * marked.Height, 1_000_000, Defaults);
        Watermarking.AssertMarked(marked, Watermarking.Unmarked(_app, TestImages.Bytes("photo-cups.jpg"), spec), query);

        var name = Path.GetFileName(Directory.GetFiles(folder).Single(f => File.ReadAllBytes(f).AsSpan().SequenceEqual(bytes)));
        Assert.EndsWith($"-wm{Fingerprint(folder)}.{(format == "jpeg" ? "jpg" : format)}", name, StringComparison.Ordinal);
        Assert.NotNull(response.Headers.ETag);
    }

    [Fact]
    public async Task Thumbnails_narrower_than_min_width_are_unmarked()
    {
        var (ticket, _) = await UploadAsync();
        var spec = new RenditionSpec(150, null, FitMode.Inside, Processing.Formats.OutputFormats.Png, null);
        var (_, _, thumbnail) = await _client.GetImageAsync(ticket.Image("w=150&format=png"));
        Assert.Equal(0, thumbnail.MeanAbsoluteDifference(Watermarking.Unmarked(_app, TestImages.Bytes("photo-cups.jpg"), spec)));
        var (_, _, wider) = await _client.GetImageAsync(ticket.Image("w=200&format=png"));
        Assert.True(wider.MeanAbsoluteDifference(Watermarking.Unmarked(_app, TestImages.Bytes("photo-cups.jpg"), spec with { Width = 200 })) > 0.1);
    }

    [Fact]
    public async Task An_original_outside_the_key_prefixes_is_unmarked()
    {
        var original = TestImages.Bytes("photo-cups.jpg");
        var path = Path.Combine(_app.SourceRoot, "uploads", "public", "photo.jpg");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, original);

        var (_, _, served) = await _client.GetImageAsync("/images/uploads/public/photo.jpg?w=600&format=png");
        var spec = new RenditionSpec(600, null, FitMode.Inside, Processing.Formats.OutputFormats.Png, null);
        Assert.Equal(0, served.MeanAbsoluteDifference(Watermarking.Unmarked(_app, original, spec)));
        Assert.True(File.Exists(Path.Combine(_app.DestinationRoot, "processed", "uploads", "public", "photo.jpg", "w600-hauto-inside.png")));
    }

    [Fact]
    public async Task No_url_reaches_the_original_or_the_intermediate()
    {
        var original = GeneratedImages.LargePhoto(2560, 1600);
        var ticket = await _client.UploadBytesAsync("large.jpg", "image/jpeg", original);
        var folder = Path.Combine(_app.DestinationRoot, "processed", ticket.Key);
        await ApiClient.WaitForFileAsync(folder, "_source.json", TimeSpan.FromSeconds(30));
        await _client.GetImageAsync(ticket.Image("w=400"));
        var intermediate = await File.ReadAllBytesAsync(Path.Combine(folder, "_intermediate.jpg"));
        var key = ticket.Key;
        var escaped = Uri.EscapeDataString(key);

        string[] urls =
        [
            $"/images/{key}/_intermediate.jpg", $"/images/processed/{key}/_intermediate.jpg", $"/images/{escaped}%2F_intermediate.jpg",
            $"/images/{key}/_source.json", $"/images/processed/{key}/w400-hauto-inside-q80.webp", $"/images/{key}/..%2F..%2F{key}",
            $"/{key}", $"/source/{key}", $"/data/source/{key}", $"/destination/processed/{key}/_intermediate.jpg", $"/uploads/{key}",
            $"/images/{key}?w=1600&format=jpeg&q=90", $"/images/{key}?w=2560&format=png", $"/images/{key}?w=4096&format=jpeg&q=100",
            $"/images/{key}?format=jpeg&w=1600&h=1000&fit=fill&q=90",
        ];
        var decodedIntermediate = Decoded.From(intermediate);
        foreach (var url in urls)
        {
            var response = await _client.GetAsync(url);
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.False(body.AsSpan().SequenceEqual(original), $"{url} served the original");
            Assert.False(body.AsSpan().SequenceEqual(intermediate), $"{url} served the intermediate");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest or HttpStatusCode.MethodNotAllowed, $"{url}: {(int)response.StatusCode}");
                continue;
            }

            // Every image a URL gives is a marked rendition; at the intermediate's own size, it differs from it where the mark is.
            var served = Decoded.From(body);
            var region = Watermarking.MarkRegion(served.Width, served.Height);
            var (r, g, b, _) = served[region.Left + (region.Width / 2), region.Top + (region.Height / 2)];
            Assert.True(r > 190 && g < 70 && b < 70, $"{url}: no mark ({r}, {g}, {b})");
            if ((served.Width, served.Height) == (decodedIntermediate.Width, decodedIntermediate.Height))
            {
                Assert.True(WatermarkImages.MeanDifference(served, decodedIntermediate, region) > 30, url);
            }
        }
    }

    [Fact]
    public async Task Changing_the_watermark_gives_new_renditions_and_the_old_bytes_are_never_served_again()
    {
        var root = Path.Combine(Path.GetTempPath(), "imageapi-change-" + Guid.NewGuid().ToString("N"));
        try
        {
            Dictionary<string, string?> Settings(byte[] mark)
            {
                var settings = Watermarking.Settings(Path.Combine(root, "marks"), mark);
                settings["Storage:FileRoot"] = Path.Combine(root, "data");
                return settings;
            }

            string key, folder, oldDefault, oldSized;
            byte[] oldDefaultBytes, oldSizedBytes;
            using (var before = new ImageApiFactory(Settings(Watermarking.RedMark())))
            {
                var client = before.CreateClient();
                var ticket = await client.UploadAsync("photo-cups.jpg", "image/jpeg");
                key = ticket.Key;
                folder = Path.Combine(root, "data", "destination", "processed", key);
                await ApiClient.WaitForFileAsync(folder, "_source.json", TimeSpan.FromSeconds(30));
                (_, oldSizedBytes, _) = await client.GetImageAsync(ticket.Image("w=400"));
                (_, oldDefaultBytes, _) = await client.GetImageAsync(ticket.Image());
                var fingerprint = Fingerprint(folder);
                oldDefault = Path.Combine(folder, $"w800-h800-inside-q80-wm{fingerprint}.webp");
                oldSized = Path.Combine(folder, $"w400-hauto-inside-q80-wm{fingerprint}.webp");
                Assert.True(File.Exists(oldDefault) && File.Exists(oldSized));
            }

            // The operator replaces the mark and restarts (a new deployment): nothing else.
            using var after = new ImageApiFactory(Settings(Watermarking.BlueMark()));
            var next = after.CreateClient();
            var (_, sized, sizedImage) = await next.GetImageAsync($"/images/{key}?w=400");
            Assert.NotEqual(oldSizedBytes, sized);
            var region = Watermarking.MarkRegion(sizedImage.Width, sizedImage.Height);
            Assert.True(sizedImage[region.Left + (region.Width / 2), region.Top + (region.Height / 2)] is { B: > 190, R: < 70 }, "the new mark is blue");

            // The original's record now names the new mark; the renditions made with the old one are gone.
            var fingerprintNow = Fingerprint(folder);
            Assert.False(File.Exists(oldDefault), "the old default rendition is deleted");
            Assert.False(File.Exists(oldSized), "the old w=400 is deleted");
            Assert.True(File.Exists(Path.Combine(folder, $"w400-hauto-inside-q80-wm{fingerprintNow}.webp")));

            for (var i = 0; i < 2; i++)
            {
                var (_, plain, _) = await next.GetImageAsync($"/images/{key}");
                Assert.NotEqual(oldDefaultBytes, plain);
                var (_, again, _) = await next.GetImageAsync($"/images/{key}?w=400");
                Assert.Equal(sized, again);
            }

            Assert.True(File.Exists(Path.Combine(folder, $"w800-h800-inside-q80-wm{fingerprintNow}.webp")));
            Assert.All(Directory.GetFiles(folder).Select(Path.GetFileName).Where(n => !n!.StartsWith('_')), n => Assert.Contains($"-wm{fingerprintNow}.", n, StringComparison.Ordinal));
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }
}
