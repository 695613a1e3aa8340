using System.Net;
using System.Web;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Uploads;

/// <summary>The S3 ticket: a presigned PUT that S3 itself holds to one type, one size and one upload.</summary>
[Collection(S3Collection.Name)]
public sealed class S3UploadSignerTests(S3Fixture fixture)
{
    [Fact]
    public async Task The_s3_ticket_is_a_put_whose_signature_covers_type_exact_length_and_if_none_match()
    {
        var environment = await fixture.CreateEnvironmentAsync();
        using var app = environment.CreateApp();
        var ticket = await Tickets.RequestAsync(app.CreateClient(), 12345, "image/png", "a.png");

        Assert.Equal(new Dictionary<string, string> { ["Content-Type"] = "image/png", ["If-None-Match"] = "*" }, ticket.Headers);
        var query = HttpUtility.ParseQueryString(ticket.UploadUrl.Query);
        Assert.Equal(["content-length", "content-type", "host", "if-none-match"], query["X-Amz-SignedHeaders"]!.Split(';').Order(StringComparer.Ordinal));
        Assert.Equal("AWS4-HMAC-SHA256", query["X-Amz-Algorithm"]);
        Assert.EndsWith("/" + environment.SourceBucket + "/" + ticket.Key, Uri.UnescapeDataString(ticket.UploadUrl.AbsolutePath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ticket_uploads_once_and_a_second_put_with_it_is_refused_by_s3()
    {
        var environment = await fixture.CreateEnvironmentAsync();
        using var app = environment.CreateApp();
        var original = TestImages.Bytes("alpha.png");
        var ticket = await Tickets.RequestAsync(app.CreateClient(), original.Length, "image/png", "a.png");
        using var http = new HttpClient();

        var first = await Tickets.PutAsync(http, ticket, original);
        Assert.True(first.IsSuccessStatusCode, $"{(int)first.StatusCode} {await first.Content.ReadAsStringAsync()}");

        var replacement = new byte[original.Length];
        var second = await Tickets.PutAsync(http, ticket, replacement);
        Assert.Equal(HttpStatusCode.PreconditionFailed, second.StatusCode);
        Assert.Equal(original, await environment.ReadAsync(environment.SourceBucket, ticket.Key));
    }
}
