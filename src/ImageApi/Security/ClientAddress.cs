using System.Net;
using ImageApi.Configuration;
using Microsoft.Extensions.Options;

namespace ImageApi.Security;

/// <summary>Who a request comes from, for rate limits.</summary>
internal static class ClientAddress
{
    /// <summary>
    /// The connection's address; behind CloudFront (when forwarded headers are trusted) the viewer's
    /// address from <c>CloudFront-Viewer-Address</c>, which CloudFront sets and viewers cannot.
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
                return address.ToString();
            }
        }

        return context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }
}
