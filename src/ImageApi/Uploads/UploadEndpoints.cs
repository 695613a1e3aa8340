using ImageApi.Configuration;
using ImageApi.Problems;
using ImageApi.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ImageApi.Uploads;

public static class UploadEndpoints
{
    public static IEndpointRouteBuilder MapUploads(this IEndpointRouteBuilder app)
    {
        var uploads = app.MapGroup("/uploads").WithTags("Uploads");
        uploads.MapPost("/", CreateAsync)
            .WithName("CreateUpload")
            .WithSummary("Ask for a presigned upload URL")
            .WithDescription(
                "Returns a URL the browser sends the original to, directly (never through this API in AWS). " +
                "The key is chosen by the server, so uploads never overwrite each other. The content type " +
                "and size are part of the signature: the upload is a PUT with exactly the listed headers and that many bytes.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequireAuthorization(UploadAuthentication.Policy)
            .RequireRateLimiting(RateLimiting.UploadsPolicy)
            .WithUploadCors(app);
        return app;
    }

    private static async Task<Created<UploadTicket>> CreateAsync(
        [FromBody] UploadRequest? body,
        HttpRequest request,
        IUploadTargetSigner signer,
        IOptions<UploadOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var focalPoint = Validate(body, settings);

        var contentType = body!.ContentType!.ToLowerInvariant();
        var now = time.GetUtcNow();
        var key = UploadKeys.Create(settings.KeyPrefix, body.FileName!, contentType, now);
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds((now + settings.UrlExpiry).ToUnixTimeSeconds());
        var baseUri = new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/");
        var target = await signer.SignAsync(key, contentType, body.ContentLength!.Value, Images.FocalPoints.Metadata(focalPoint), expiresAt, baseUri, cancellationToken);
        var imageUrl = new Uri(baseUri, "images/" + UrlPaths.EscapeKey(key.Value));
        return TypedResults.Created(imageUrl, new UploadTicket(key.Value, target.Url, target.Method, target.Headers, expiresAt, imageUrl));
    }

    /// <returns>The focal point the original is to be stored with, if any.</returns>
    /// <exception cref="InvalidUploadException">Something in the request is wrong; every error is listed.</exception>
    private static Processing.Transforms.FocalPoint? Validate(UploadRequest? body, UploadOptions settings)
    {
        var errors = new Dictionary<string, string>();
        Processing.Transforms.FocalPoint? focalPoint = null;
        if (body is null)
        {
            errors["body"] = "A JSON body {fileName, contentType, contentLength} is required.";
        }
        else
        {
            if (string.IsNullOrWhiteSpace(body.FileName) || body.FileName.Length > 255 || body.FileName.Any(char.IsControl))
            {
                errors["fileName"] = "fileName must be 1 to 255 characters without control characters.";
            }

            var allowed = settings.AllowedContentTypes;
            if (body.ContentType is null || !allowed.Contains(body.ContentType, StringComparer.OrdinalIgnoreCase))
            {
                errors["contentType"] = $"contentType must be one of {string.Join(", ", allowed)}; got '{Truncate(body.ContentType)}'.";
            }

            if (body.ContentLength is not { } length || length < 1 || length > settings.MaxBytes)
            {
                errors["contentLength"] = $"contentLength must be from 1 to {settings.MaxBytes} bytes; got {body.ContentLength?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nothing"}.";
            }

            if (body.FocalPoint is { } given)
            {
                focalPoint = given.Validate(out var error);
                if (error is not null)
                {
                    errors["focalPoint"] = error;
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidUploadException(errors, settings.MaxBytes, settings.AllowedContentTypes);
        }

        return focalPoint;
    }

    private static string? Truncate(string? value) => value is { Length: > 60 } ? value[..60] + "…" : value;
}
