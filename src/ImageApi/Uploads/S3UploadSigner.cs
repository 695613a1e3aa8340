using Amazon.S3;
using Amazon.S3.Model;
using ImageApi.Configuration;
using ImageApi.Processing.Naming;
using Microsoft.Extensions.Options;

namespace ImageApi.Uploads;

/// <summary>
/// Presigned S3 POST: the policy pins the key and the Content-Type and carries a
/// <c>content-length-range</c>, so S3 itself refuses another type or more bytes than declared.
/// </summary>
public sealed class S3UploadSigner(IAmazonS3 s3, IOptions<StorageOptions> options) : IUploadTargetSigner
{
    public async Task<UploadTarget> SignAsync(SourceKey key, string contentType, long contentLength, DateTimeOffset expiresAt, Uri baseUri, CancellationToken cancellationToken)
    {
        var request = new CreatePresignedPostRequest
        {
            BucketName = options.Value.S3.SourceBucket,
            Key = key.Value,
            Expires = expiresAt.UtcDateTime,
        };
        request.Fields["Content-Type"] = contentType;
        request.Conditions.Add(S3PostCondition.ExactMatch("Content-Type", contentType));
        request.Conditions.Add(S3PostCondition.ContentLengthRange(1, contentLength));

        var post = await s3.CreatePresignedPostAsync(request).ConfigureAwait(false);
        return new UploadTarget(new Uri(post.Url), HttpMethods.Post, new Dictionary<string, string>(), post.Fields);
    }
}
