using System.Net;
using System.Net.Http.Json;
using System.Text;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests;

public sealed class UploadTests : IDisposable
{
    private readonly ImageApiFactory _factory = new(new Dictionary<string, string?> { ["Uploads:MaxBytes"] = "1000000" });
    private readonly HttpClient _client;

    public UploadTests() => _client = _factory.CreateClient();

    public void Dispose() => _factory.Dispose();

    private int StoredOriginals => Directory.Exists(_factory.SourceRoot) ? Directory.GetFiles(_factory.SourceRoot, "*", SearchOption.AllDirectories).Length : 0;

    [Fact]
    public async Task Keys_are_unique_and_safe_whatever_the_file_is_called()
    {
        var a = await _client.RequestUploadAsync("../../etc/passwd", "image/jpeg", 10);
        var b = await _client.RequestUploadAsync("../../etc/passwd", "image/jpeg", 10);
        Assert.NotEqual(a.Key, b.Key);
        Assert.EndsWith("/passwd.jpg", a.Key, StringComparison.Ordinal);
        Assert.DoesNotContain("..", a.Key, StringComparison.Ordinal);

        var odd = await _client.RequestUploadAsync("C:\\Users\\me\\My Photo (1) #2.JPEG", "image/jpeg", 10);
        Assert.EndsWith("/My-Photo-1-2.jpg", odd.Key, StringComparison.Ordinal);
        var unicode = await _client.RequestUploadAsync("Zürich 東京.png", "image/png", 10);
        Assert.EndsWith("/Zürich-東京.png", unicode.Key, StringComparison.Ordinal);
        var nameless = await _client.RequestUploadAsync("...", "image/webp", 10);
        Assert.EndsWith("/image.webp", nameless.Key, StringComparison.Ordinal);
        Assert.Matches(@"^uploads/\d{4}/\d{2}/\d{2}/[0-9a-f]{24}/", a.Key);
    }

    [Fact]
    public async Task Ticket_says_exactly_what_to_send()
    {
        var ticket = await _client.RequestUploadAsync("a.png", "image/png", 1234);
        Assert.Equal("PUT", ticket.Method);
        Assert.Equal("image/png", ticket.Headers["Content-Type"]);
        Assert.InRange(ticket.ExpiresAt - _factory.Clock.GetUtcNow(), TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
        Assert.Equal("/images/" + ticket.Key, Uri.UnescapeDataString(ticket.ImageUrl.AbsolutePath));
    }

    [Theory]
    [InlineData("""{"fileName":"a.bmp","contentType":"image/bmp","contentLength":10}""", "contentType")]
    [InlineData("""{"fileName":"a.svg","contentType":"image/svg+xml","contentLength":10}""", "contentType")]
    [InlineData("""{"fileName":"a.jpg","contentType":"image/jpeg","contentLength":1000001}""", "contentLength")]
    [InlineData("""{"fileName":"a.jpg","contentType":"image/jpeg","contentLength":0}""", "contentLength")]
    [InlineData("""{"fileName":"a.jpg","contentType":"image/jpeg","contentLength":-5}""", "contentLength")]
    [InlineData("""{"fileName":"a.jpg","contentType":"image/jpeg"}""", "contentLength")]
    [InlineData("""{"fileName":"","contentType":"image/jpeg","contentLength":10}""", "fileName")]
    [InlineData("""{"fileName":"a\u0000.jpg","contentType":"image/jpeg","contentLength":10}""", "fileName")]
    [InlineData("""{"contentType":"image/jpeg","contentLength":10}""", "fileName")]
    public async Task Bad_upload_requests_are_400_naming_the_field(string json, string field)
    {
        var response = await _client.PostAsync("/uploads", new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Contains(field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("")]
    [InlineData("""{"fileName":"a.jpg","contentType":"image/jpeg","contentLength":"ten"}""")]
    public async Task Malformed_bodies_are_400_problems(string body)
    {
        var response = await _client.PostAsync("/uploads", new StringContent(body, Encoding.UTF8, "application/json"));
        await response.ReadProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Tampered_signature_is_403_and_stores_nothing()
    {
        var ticket = await _client.RequestUploadAsync("a.jpg", "image/jpeg", 100);
        var url = ticket.UploadUrl.ToString();
        var tampered = url[..^1] + (url[^1] == '0' ? '1' : '0');
        var response = await _client.SendUploadAsync(ticket with { UploadUrl = new Uri(tampered) }, new byte[100]);
        var problem = await response.ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("signature", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, StoredOriginals);
    }

    [Theory]
    [InlineData("maxLength=100", "maxLength=999999")]
    [InlineData("contentType=image%2Fjpeg", "contentType=image%2Fpng")]
    [InlineData("/a.jpg?", "/b.jpg?")]
    [InlineData("&signature=", "&sig=")]
    public async Task Changing_any_signed_part_of_the_url_is_403(string from, string to)
    {
        var ticket = await _client.RequestUploadAsync("a.jpg", "image/jpeg", 100);
        var changed = new Uri(ticket.UploadUrl.ToString().Replace(from, to, StringComparison.Ordinal));
        Assert.NotEqual(ticket.UploadUrl, changed);
        var response = await _client.SendUploadAsync(ticket with { UploadUrl = changed }, new byte[100], to.Contains("png", StringComparison.Ordinal) ? "image/png" : null);
        await response.ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(0, StoredOriginals);
    }

    [Fact]
    public async Task Expired_url_is_403_and_stores_nothing()
    {
        var ticket = await _client.RequestUploadAsync("a.jpg", "image/jpeg", 100);
        _factory.Clock.Advance(TimeSpan.FromMinutes(16));
        var response = await _client.SendUploadAsync(ticket, new byte[100]);
        var problem = await response.ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("expired", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, StoredOriginals);
    }

    [Fact]
    public async Task Wrong_content_type_is_403_and_stores_nothing()
    {
        var ticket = await _client.RequestUploadAsync("a.jpg", "image/jpeg", 100);
        var response = await _client.SendUploadAsync(ticket, new byte[100], "text/html");
        var problem = await response.ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("image/jpeg", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, StoredOriginals);
    }

    [Fact]
    public async Task Longer_body_than_signed_is_413_and_stores_nothing()
    {
        var ticket = await _client.RequestUploadAsync("a.jpg", "image/jpeg", 100);
        var response = await _client.SendUploadAsync(ticket, new byte[101]);
        await response.ReadProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, StoredOriginals);
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_is_413_and_leaves_no_partial_file()
    {
        var ticket = await _client.RequestUploadAsync("a.jpg", "image/jpeg", 1000);
        var request = new HttpRequestMessage(HttpMethod.Put, ticket.UploadUrl)
        {
            // No Content-Length: the server only finds out while reading.
            Content = new StreamContent(new NonSeekableStream(new byte[50_000])),
        };
        request.Content.Headers.ContentType = new("image/jpeg");
        var response = await _client.SendAsync(request);
        await response.ReadProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, StoredOriginals);
        Assert.Empty(Directory.GetFiles(Path.Combine(_factory.Root, ".staging")));
    }

    [Fact]
    public async Task Second_upload_to_the_same_url_is_409_and_keeps_the_first()
    {
        var ticket = await _client.RequestUploadAsync("a.jpg", "image/jpeg", 100);
        var first = Enumerable.Repeat((byte)1, 100).ToArray();
        Assert.Equal(HttpStatusCode.OK, (await _client.SendUploadAsync(ticket, first)).StatusCode);
        var again = await _client.SendUploadAsync(ticket, new byte[100]);
        await again.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(first, await File.ReadAllBytesAsync(Path.Combine(_factory.SourceRoot, ticket.Key)));
    }

    [Fact]
    public async Task An_undecodable_upload_is_logged_with_its_key_and_answers_its_status_later()
    {
        var ticket = await _client.RequestUploadAsync("fake.jpg", "image/jpeg", 33);
        Assert.Equal(HttpStatusCode.OK, (await _client.SendUploadAsync(ticket, TestImages.Bytes("text.jpg"))).StatusCode);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!_factory.Logs.Any(l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains(ticket.Key, StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Contains(_factory.Logs, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains(ticket.Key, StringComparison.Ordinal) && l.Contains("UnsupportedImageFormat", StringComparison.Ordinal));
        await (await _client.GetAsync(ticket.Image())).ReadProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/healthz")).StatusCode);
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
