using ImageApi.Configuration;
using ImageApi.OpenApi;
using ImageApi.Problems;
using ImageApi.Processing.Formats;
using ImageApi.Processing.Naming;
using ImageApi.Processing.Transforms;
using ImageApi.Security;
using ImageApi.Storage;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ImageApi.Images;

public static class ImageEndpoints
{
    public static IEndpointRouteBuilder MapImages(this IEndpointRouteBuilder app)
    {
        var images = app.MapGroup("/images").WithTags("Images");
        // HEAD answers like GET without the body; it is the same operation, so it is not listed twice.
        images.MapMethods("/{**key}", [HttpMethods.Head], GetAsync).ExcludeFromDescription();
        images.MapGet("/{**key}", GetAsync)
            .WithName("GetImage")
            .WithSummary("A rendition of an uploaded image")
            .WithDescription(
                "Serves the rendition the parameters describe: from the destination store when it exists, " +
                "otherwise generated from the original, stored, and served. Without parameters: the default " +
                "rendition (fit inside 800×800, WebP, quality 80), the one made at upload. Parameter order, case " +
                "and explicitly spelled defaults never create a second rendition.")
            .WithMetadata(new TransformParametersMetadata())
            .Produces(StatusCodes.Status200OK, contentType: OutputFormats.All[0].ContentType, additionalContentTypes: [.. OutputFormats.All.Skip(1).Select(f => f.ContentType)])
            .Produces(StatusCodes.Status302Found)
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> GetAsync(
        string key,
        HttpRequest request,
        TransformParser parser,
        SignaturePolicy signatures,
        PresetsOnlyPolicy presetsOnly,
        RenditionService renditions,
        ObjectStores stores,
        IOptions<DeliveryOptions> delivery,
        IOptions<UploadOptions> uploads,
        CancellationToken cancellationToken)
    {
        // Routes match case-insensitively, CloudFront's path patterns do not: '/Images/…' is not this endpoint.
        if (!request.Path.StartsWithSegments(Prefix, StringComparison.Ordinal))
        {
            return TypedResults.NotFound();
        }

        var source = SourceKey.Parse(KeyOf(request, key));
        if (!source.Value.StartsWith(uploads.Value.KeyPrefix, StringComparison.Ordinal))
        {
            // Only uploads are served: other keys are not looked up at all.
            throw new SourceNotFoundException(source.Value);
        }

        var transform = parser.Parse(request.Query.Count == 0 ? [] : request.Query.SelectMany(
            pair => pair.Value.Count == 0 ? [new KeyValuePair<string, string?>(pair.Key, null)] : pair.Value.Select(v => new KeyValuePair<string, string?>(pair.Key, v))));
        signatures.Demand(source, transform);
        presetsOnly.Demand(source, transform);
        var rendition = await renditions.GetAsync(source, transform.Request, FormatSupport.FromAccept(request.Headers.Accept.ToString()), () => ClientAddress.Of(request.HttpContext), cancellationToken);
        var settings = delivery.Value;
        if (settings.RedirectAboveBytes > 0 && rendition.Length > settings.RedirectAboveBytes && stores.Destination is IPresignedDownloads downloads)
        {
            // Too big for a buffered Lambda response: let the client fetch it from the bucket.
            await rendition.DisposeAsync();
            var url = downloads.GetDownloadUrl(rendition.Key.Value, settings.RedirectUrlExpiry);
            request.HttpContext.Response.Headers.CacheControl = $"public, max-age={(int)(settings.RedirectUrlExpiry.TotalSeconds / 2)}";
            if (transform.Request.IsAuto)
            {
                // The redirect's target depends on Accept as much as the image would.
                request.HttpContext.Response.Headers.Vary = HeaderNames.Accept;
            }
            return TypedResults.Redirect(url.ToString());
        }

        return new RenditionResult(rendition, settings.CacheMaxAgeSeconds, transform.Request.IsAuto);
    }

    private const string Prefix = "/images";

    /// <summary>
    /// The key as the client sent it, percent-decoded exactly once. Clients (Swagger UI among them) encode
    /// the key's slashes as <c>%2F</c>, which Kestrel leaves encoded while decoding the rest of the path, so
    /// decoding its result again would also turn a double-encoded <c>%252F</c> into a slash: another
    /// spelling of the same key, and another CDN cache entry.
    /// </summary>
    private static string KeyOf(HttpRequest request, string routed)
    {
        var raw = request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || !raw.StartsWith(Prefix + "/", StringComparison.Ordinal))
        {
            // No raw target (an in-process server): the routed value, whose only encoded characters are slashes.
            return routed.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        }

        var end = raw.IndexOf('?', StringComparison.Ordinal);
        var encoded = raw[(Prefix.Length + 1)..(end < 0 ? raw.Length : end)];
        try
        {
            return Uri.UnescapeDataString(encoded);
        }
        catch (UriFormatException)
        {
            return encoded;
        }
    }
}
