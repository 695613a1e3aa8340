using ImageApi.Events;
using ImageApi.OpenApi;
using ImageApi.Problems;
using ImageApi.Processing.Naming;
using ImageApi.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace ImageApi.Uploads;

/// <summary>
/// <c>PUT /uploads/{key}</c>: the embedded mode's upload target, behaving like a presigned S3 PUT.
/// Only mapped when storage is a local folder; with S3 the browser sends to S3 itself.
/// </summary>
public static class EmbeddedUploadEndpoints
{
    public static IEndpointRouteBuilder MapEmbeddedUploads(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/uploads").WithTags("Uploads")
            .MapPut("/{**key}", PutAsync)
            .WithName("PutUpload")
            .WithSummary("Upload an original through a signed URL (embedded mode)")
            .WithDescription(
                "The uploadUrl from POST /uploads, in the embedded (folder) mode. Send the raw file as the body " +
                "with the signed Content-Type. The original is stored and its default rendition is made in the background.")
            .WithMetadata(new BinaryBodyMetadata("image/jpeg", "image/png", "image/webp", "image/gif"))
            .Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithUploadCors(app);
        return app;
    }

    private static async Task<Ok> PutAsync(
        string key,
        HttpContext context,
        EmbeddedUploadSigner signer,
        ObjectStores stores,
        SourceEventQueue events,
        CancellationToken cancellationToken)
    {
        var request = context.Request;
        var source = SourceKey.Parse(key);
        var check = signer.Verify(
            source.Value,
            request.Query[EmbeddedUploadSigner.ContentTypeParameter],
            request.Query[EmbeddedUploadSigner.MaxLengthParameter],
            request.Query[EmbeddedUploadSigner.ExpiresParameter],
            request.Query[EmbeddedUploadSigner.SignatureParameter],
            request.Query[EmbeddedUploadSigner.FocalPointParameter]);
        if (!check.IsValid)
        {
            throw new UploadUrlRejectedException(check.Reason);
        }

        if (!string.Equals(request.ContentType, check.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            throw new UploadUrlRejectedException($"The upload must be sent with Content-Type: {check.ContentType}, as signed; got '{request.ContentType}'.");
        }

        if (request.ContentLength > check.MaxLength)
        {
            throw new UploadTooLargeException(check.MaxLength);
        }

        // The counting stream holds the body to the signed length exactly. Kestrel's own limit is a backstop:
        // for a chunked body it counts the chunk framing too, so it allows the framing of the smallest chunks.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = request.ContentLength is null ? MaxChunkedSize(check.MaxLength) : check.MaxLength;
        }

        ObjectInfo stored;
        try
        {
            await using var body = new LengthLimitedStream(request.Body, check.MaxLength);
            stored = await stores.Source.PutAsync(source.Value, body, check.ContentType, PutMode.CreateOnly, cancellationToken, Images.FocalPoints.Metadata(check.FocalPoint));
        }
        catch (Exception ex) when (ex is LengthLimitExceededException or BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            throw new UploadTooLargeException(check.MaxLength);
        }
        catch (ObjectAlreadyExistsException)
        {
            throw new AlreadyUploadedException();
        }

        // Journalled before the answer, rendered later: the upload never waits for its default rendition.
        events.Publish(SourceEvent.Created(source, stored.ETag));
        context.Response.Headers.ETag = new EntityTagHeaderValue($"\"{stored.ETag}\"").ToString();
        return TypedResults.Ok();
    }

    /// <summary>
    /// The bytes a chunked body of <paramref name="length"/> content bytes may take on the wire: one-byte
    /// chunks cost five bytes of framing each (<c>1\r\n</c> and <c>\r\n</c>), plus the last chunk and trailers.
    /// </summary>
    internal static long MaxChunkedSize(long length) => (length * 6) + 1024;
}
