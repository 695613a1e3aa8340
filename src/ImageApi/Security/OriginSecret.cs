using System.Security.Cryptography;
using System.Text;
using ImageApi.Configuration;
using Microsoft.Extensions.Options;

namespace ImageApi.Security;

/// <summary>
/// <c>Delivery:OriginSecret</c>: the header CloudFront adds to every request it sends to the origin.
/// When configured, a request without it came around CloudFront (the API's own URL) and is refused
/// with <c>403</c> before anything reads its forwarded headers; only <c>/healthz</c> (the adapter's
/// readiness check, from inside the function) needs none.
/// </summary>
internal static class OriginSecret
{
    public const string HeaderName = "X-Origin-Secret";

    public static IApplicationBuilder UseOriginSecret(this IApplicationBuilder app)
    {
        var secret = app.ApplicationServices.GetRequiredService<IOptions<DeliveryOptions>>().Value.OriginSecret;
        if (string.IsNullOrEmpty(secret))
        {
            return app;
        }

        var expected = Encoding.UTF8.GetBytes(secret);
        return app.Use((context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/healthz", StringComparison.Ordinal))
            {
                var given = context.Request.Headers[HeaderName];
                if (given.Count != 1 || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given[0] ?? ""), expected))
                {
                    throw new OriginSecretRejectedException();
                }
            }

            // Nothing after this point sees the secret (logs, telemetry, error pages).
            context.Request.Headers.Remove(HeaderName);
            return next(context);
        });
    }
}

/// <summary>The request did not come through CloudFront: it lacks the origin secret header.</summary>
public sealed class OriginSecretRejectedException()
    : Exception("This service only answers requests that come through its CloudFront distribution.");
