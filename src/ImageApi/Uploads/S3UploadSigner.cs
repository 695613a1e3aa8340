using Amazon.S3;
using Amazon.S3.Model;
using ImageApi.Configuration;
using ImageApi.Processing.Naming;
using Microsoft.Extensions.Options;

namespace ImageApi.Uploads;

/// <summary>
/// Presigned S3 PUT whose signature covers <c>Content-Type</c>, the exact <c>Content-Length</c> and
/// <c>If-None-Match: *</c> and the user metadata (the focal point): S3 itself refuses another type,
/// size or metadata (403) and a second upload to the key (412), so a ticket cannot be reused to
/// replace an original.
/// </summary>
public sealed class S3UploadSigner(IAmazonS3 s3, IOptions<StorageOptions> options) : IUploadTargetSigner
{
    public async Task<UploadTarget> SignAsync(SourceKey key, string contentType, long contentLength, IReadOnlyDictionary<string, string> metadata, DateTimeOffset expiresAt, Uri baseUri, CancellationToken cancellationToken)
    {
        var request = new GetPreSignedUrlRequest
        {
            BucketName = options.Value.S3.SourceBucket,
            Key = key.Value,
            Verb = HttpVerb.PUT,
            ContentType = contentType,
            Expires = expiresAt.UtcDateTime,

            // The SDK signs https URLs unless told otherwise; an S3-compatible server may speak plain http.
            Protocol = s3.Config.ServiceURL?.StartsWith("http://", StringComparison.OrdinalIgnoreCase) == true ? Protocol.HTTP : Protocol.HTTPS,
        };
        request.Headers[UploadHeaders.IfNoneMatch] = "*";
        foreach (var (name, value) in metadata)
        {
            request.Metadata.Add(name, value);
        }

        // Signed, but not in the ticket's headers: a browser sets Content-Length from the body itself.
        request.Headers.ContentLength = contentLength;

        var url = await s3.GetPreSignedURLAsync(request).ConfigureAwait(false);
        var headers = new Dictionary<string, string>(UploadHeaders.For(contentType, createOnly: true));
        foreach (var (name, value) in metadata)
        {
            headers[UploadHeaders.Metadata(name)] = value;
        }

        return new UploadTarget(new Uri(url), HttpMethods.Put, headers);
    }
}
