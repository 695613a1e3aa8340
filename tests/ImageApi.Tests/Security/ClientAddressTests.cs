using System.Net;
using System.Net.Http.Json;
using ImageApi.Security;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Security;

/// <summary>Rate limits count an IPv6 client by its /64, which one subscriber usually holds whole.</summary>
public sealed class ClientAddressTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("::1", "::/64")]
    public void An_ipv6_address_is_its_64_prefix(string address, string partition) =>
        Assert.Equal(partition, ClientAddress.Partition(IPAddress.Parse(address)));

    [Fact]
    public async Task Two_addresses_of_one_ipv6_64_share_a_rate_limit_and_another_64_does_not()
    {
        using var app = new ImageApiFactory(new Dictionary<string, string?>
        {
            ["RateLimits:UploadsPerMinute"] = "1",
            ["Delivery:TrustForwardedHeaders"] = "true",
        });
        var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.Created, await AskAsync(client, "[2001:db8:1:2::1]:40000"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await AskAsync(client, "[2001:db8:1:2:ffff:eeee:dddd:9]:40001"));
        Assert.Equal(HttpStatusCode.Created, await AskAsync(client, "[2001:db8:1:3::1]:40002"));
    }

    private static async Task<HttpStatusCode> AskAsync(HttpClient client, string viewer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/uploads") { Content = JsonContent.Create(new { fileName = "a.jpg", contentType = "image/jpeg", contentLength = 10 }) };
        request.Headers.Add("CloudFront-Viewer-Address", viewer);
        return (await client.SendAsync(request)).StatusCode;
    }
}
