using ImageApi.Configuration;
using Microsoft.Extensions.Options;

namespace ImageApi.Security;

/// <summary>
/// Headers every answer carries: <c>X-Content-Type-Options: nosniff</c> always, and on the upload page
/// (HTML outside Swagger UI, whose page has inline scripts) a <c>Content-Security-Policy</c> that allows
/// only the page's own files, the image URLs it shows and the upload URLs it sends to, and no framing.
/// </summary>
internal static class SecurityHeaders
{
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var policy = PagePolicy(app.ApplicationServices.GetRequiredService<IOptions<StorageOptions>>().Value);
        return app.Use((context, next) =>
        {
            // On starting, not now: the exception handler clears the headers of a failed response.
            context.Response.OnStarting(() =>
            {
                var response = context.Response;
                response.Headers.XContentTypeOptions = "nosniff";
                if (response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true
                    && !context.Request.Path.StartsWithSegments("/swagger", StringComparison.Ordinal))
                {
                    response.Headers.ContentSecurityPolicy = policy;
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
    }

    /// <summary>The upload page's policy. Uploads go to S3 (https, or the configured S3-compatible endpoint) in the S3 mode.</summary>
    public static string PagePolicy(StorageOptions storage)
    {
        var s3 = storage.Provider == StorageProvider.S3 && Uri.TryCreate(storage.S3.ServiceUrl, UriKind.Absolute, out var url)
            ? " " + url.GetLeftPart(UriPartial.Authority)
            : "";
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https:" + s3
            + "; connect-src 'self' https:" + s3 + "; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    }
}
