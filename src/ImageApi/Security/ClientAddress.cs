using System.Net;
using ImageApi.Configuration;
using Microsoft.Extensions.Options;

namespace ImageApi.Security;

/// <summary>Who a request comes from, for rate limits.</summary>
internal static class ClientAddress
{
    /// <summary>
    /// The connection's address; behind CloudFront (when forwarded headers are trusted) the viewer's
    /// address from <c>CloudFront-Viewer-Address</c>, which CloudFront sets and viewers cannot. An IPv6
    /// client is its /64: one subscriber usually has a whole /64 and could rotate through it.
    /// </summary>
    public static string Of(HttpContext context)
    {
        if (context.RequestServices.GetRequiredService<IOptions<DeliveryOptions>>().Value.TrustForwardedHeaders
            && context.Request.Headers["CloudFront-Viewer-Address"].FirstOrDefault() is { Length: > 0 } viewer)
        {
            // "203.0.113.7:46532" or "[2001:db8::1]:46532"
            var colon = viewer.LastIndexOf(':');
            if (colon > 0 && IPAddress.TryParse(viewer[..colon].Trim('[', ']'), out var address))
            {
                return Partition(address);
            }
        }

        return context.Connection.RemoteIpAddress is { } remote ? Partition(remote) : "unknown";
    }

    /// <summary>An IPv4 address as itself (also when IPv4-mapped); an IPv6 address as its /64, e.g. <c>2001:db8:1:2::/64</c>.</summary>
    public static string Partition(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
