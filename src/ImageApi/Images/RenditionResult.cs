using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace ImageApi.Images;

/// <summary>
/// Writes a rendition with its validators and caching headers, or <c>304</c> when the client's
/// <c>If-None-Match</c> already names it.
/// </summary>
internal sealed class RenditionResult(Rendition rendition, int maxAgeSeconds, bool varyOnAccept) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        await using var _ = rendition;
        var response = httpContext.Response;
        var etag = new EntityTagHeaderValue($"\"{rendition.ETag}\"");
        response.Headers.ETag = etag.ToString();
        response.Headers.CacheControl = string.Create(CultureInfo.InvariantCulture, $"public, max-age={maxAgeSeconds}");
        response.Headers["Server-Timing"] = rendition.ServerTiming();
        if (varyOnAccept)
        {
            response.Headers.Vary = HeaderNames.Accept;
        }

        if (Matches(httpContext.Request.Headers.IfNoneMatch, etag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = rendition.ContentType;
        response.ContentLength = rendition.Length;
        if (HttpMethods.IsHead(httpContext.Request.Method))
        {
            return;
        }

        await rendition.Content.CopyToAsync(response.Body, httpContext.RequestAborted).ConfigureAwait(false);
    }

    // RFC 9110 §13.1.2: If-None-Match uses the weak comparison.
    private static bool Matches(Microsoft.Extensions.Primitives.StringValues ifNoneMatch, EntityTagHeaderValue etag) =>
        ifNoneMatch.Count > 0
        && EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags)
        && tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(etag, useStrongComparison: false));
}
