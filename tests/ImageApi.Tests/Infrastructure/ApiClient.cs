using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ImageApi.Tests.Infrastructure;

/// <summary>What a browser does: ask for an upload URL, send the file to it, fetch renditions.</summary>
internal static class ApiClient
{
    /// <param name="focalPoint">The ticket's focalPoint, <c>new { x, y }</c>, or none.</param>
    public static async Task<Ticket> RequestUploadAsync(this HttpClient client, string fileName, string contentType, long length, object? focalPoint = null)
    {
        var response = await client.PostAsJsonAsync("/uploads", new { fileName, contentType, contentLength = length, focalPoint });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var ticket = await response.Content.ReadFromJsonAsync<Ticket>();
        Assert.NotNull(ticket);
        Assert.Equal(ticket.ImageUrl, response.Headers.Location);
        return ticket;
    }

    public static Task<HttpResponseMessage> SendUploadAsync(this HttpClient client, Ticket ticket, byte[] bytes, string? contentType = null)
    {
        // Exactly the ticket's headers, as the upload page sends them (Content-Type, and on S3 If-None-Match).
        var request = new HttpRequestMessage(new HttpMethod(ticket.Method), ticket.UploadUrl) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType ?? ticket.Headers["Content-Type"]);
        foreach (var (name, value) in ticket.Headers.Where(h => !h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return client.SendAsync(request);
    }

    /// <summary>Uploads a test image the way the upload page does and returns its ticket.</summary>
    public static async Task<Ticket> UploadAsync(this HttpClient client, string testImage, string contentType)
    {
        var bytes = TestImages.Bytes(testImage);
        var ticket = await client.RequestUploadAsync(testImage, contentType, bytes.Length);
        var response = await client.SendUploadAsync(ticket, bytes);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return ticket;
    }

    /// <summary>Uploads bytes the test made, under a file name and content type of its choosing (which need not match them).</summary>
    public static async Task<Ticket> UploadBytesAsync(this HttpClient client, string fileName, string contentType, byte[] bytes, object? focalPoint = null)
    {
        var ticket = await client.RequestUploadAsync(fileName, contentType, bytes.Length, focalPoint);
        var response = await client.SendUploadAsync(ticket, bytes);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return ticket;
    }

    public static async Task<JsonElement> ReadProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.StartsWith("urn:imageapi:problem:", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }

    /// <summary>GETs a rendition, asserts 200, and decodes it (through libvips' own loader for the format it is).</summary>
    public static async Task<(HttpResponseMessage Response, byte[] Bytes, Decoded Info)> GetImageAsync(this HttpClient client, string url, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        var response = await client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(bytes)}");
        return (response, bytes, Decoded.From(bytes));
    }

    /// <summary>Waits for a log line the background worker writes (after the files it writes).</summary>
    public static async Task<string> WaitForLogAsync(ImageApiFactory factory, Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (factory.Logs.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No such log line after {timeout}; the log has {factory.Logs.Count} lines.");
    }

    /// <summary>Waits until the embedded queue's journal under the folder store's <paramref name="root"/> lists no event: every upload so far is handled.</summary>
    public static async Task WaitForJournalEmptyAsync(string root)
    {
        var folder = Path.Combine(root, ".pending");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.json").Any())
        {
            Assert.True(DateTime.UtcNow < deadline, $"the journal still lists {string.Join(", ", Directory.GetFiles(folder))}");
            await Task.Delay(50);
        }
    }

    /// <summary>Waits for a file the background worker writes.</summary>
    public static async Task<string> WaitForFileAsync(string directory, string pattern, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Directory.Exists(directory) && Directory.EnumerateFiles(directory, pattern, SearchOption.AllDirectories).FirstOrDefault() is { } file)
            {
                return file;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No {pattern} under {directory} after {timeout}.");
    }
}

public sealed record Ticket(string Key, Uri UploadUrl, string Method, Dictionary<string, string> Headers, DateTimeOffset ExpiresAt, Uri ImageUrl)
{
    /// <summary>The image URL relative to the test server, plus a query.</summary>
    public string Image(string query = "") => ImageUrl.PathAndQuery + (query.Length > 0 ? "?" + query : "");
}
