using System.Net;
using System.Net.Http.Json;

namespace ImageApi.Tests.Uploads;

/// <summary>The ticket of <c>POST /uploads</c> as a client reads it, and sending a file with it.</summary>
internal sealed record UploadTicketView(string Key, Uri UploadUrl, string Method, Dictionary<string, string> Headers, DateTimeOffset ExpiresAt, Uri ImageUrl);

internal static class Tickets
{
    public static async Task<UploadTicketView> RequestAsync(HttpClient http, long length, string contentType = "image/jpeg", string fileName = "a.jpg")
    {
        var response = await http.PostAsJsonAsync("/uploads", new { fileName, contentType, contentLength = length });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var ticket = await response.Content.ReadFromJsonAsync<UploadTicketView>();
        Assert.NotNull(ticket);
        Assert.Equal("PUT", ticket.Method);
        return ticket;
    }

    /// <summary>A PUT with exactly the ticket's headers, as the upload page sends it.</summary>
    public static async Task<HttpResponseMessage> PutAsync(HttpClient http, UploadTicketView ticket, byte[] bytes)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, ticket.UploadUrl) { Content = new ByteArrayContent(bytes) };
        foreach (var (name, value) in ticket.Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return await http.SendAsync(request);
    }
}
