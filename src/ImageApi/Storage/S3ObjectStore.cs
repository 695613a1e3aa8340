using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace ImageApi.Storage;

/// <summary>
/// An <see cref="IObjectStore"/> over one S3 bucket. Missing objects are null, conditional creates
/// that lose are <see cref="ObjectAlreadyExistsException"/> (412; a 409 conflict is sent again), and everything else that goes wrong
/// (unreachable, throttled, denied) is <see cref="StorageUnavailableException"/>.
/// </summary>
public sealed class S3ObjectStore(string name, IAmazonS3 s3, string bucket) : IObjectStore, IPresignedDownloads
{
    private readonly S3ObjectReader _reader = new(name, s3, bucket);

    public string Name { get; } = name;

    public string Bucket { get; } = bucket;

    public async Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            return new ObjectInfo(key, response.ContentLength, Unquote(response.ETag), response.Headers.ContentType, LastModified(response.LastModified)) { Metadata = UserMetadata(response.Metadata) };
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
        {
            throw Unavailable(ex);
        }
    }

    public Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken) => _reader.GetAsync(key, cancellationToken);

    /// <summary>How many times a conditional write that S3 answers <c>409 ConditionalRequestConflict</c> is sent.</summary>
    public const int ConditionalWriteAttempts = 3;

    public async Task<ObjectInfo> PutAsync(string key, Stream content, string contentType, PutMode mode, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var start = content.CanSeek ? content.Position : 0;
        for (var attempt = 1; ; attempt++)
        {
            var request = new PutObjectRequest
            {
                BucketName = Bucket,
                Key = key,
                InputStream = content,
                AutoCloseStream = false,
                ContentType = contentType,
            };
            if (mode == PutMode.CreateOnly)
            {
                request.IfNoneMatch = "*";
            }

            foreach (var (name, value) in metadata ?? ObjectInfo.NoMetadata)
            {
                request.Metadata.Add(name, value);
            }

            try
            {
                var response = await s3.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
                return new ObjectInfo(key, content.CanSeek ? content.Length : -1, Unquote(response.ETag), contentType, DateTimeOffset.UtcNow) { Metadata = metadata ?? ObjectInfo.NoMetadata };
            }
            catch (AmazonS3Exception ex) when (mode == PutMode.CreateOnly && ex.StatusCode == HttpStatusCode.PreconditionFailed)
            {
                throw new ObjectAlreadyExistsException(Name, key);
            }
            catch (AmazonS3Exception ex) when (IsConditionalConflict(ex) && attempt < ConditionalWriteAttempts && content.CanSeek)
            {
                // 409: another conditional write to the key was in flight. It says nothing about whether
                // the key exists (that one may fail): send again, and let S3 answer 200 or 412.
                content.Position = start;
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
            {
                throw Unavailable(ex);
            }
        }
    }

    /// <summary>S3 keeps user metadata only by copying the object onto itself with the new set (its ETag stays: the bytes do).</summary>
    public async Task<ObjectInfo?> ReplaceMetadataAsync(string key, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        if (await HeadAsync(key, cancellationToken).ConfigureAwait(false) is not { } head)
        {
            return null;
        }

        var request = new CopyObjectRequest
        {
            SourceBucket = Bucket,
            SourceKey = key,
            DestinationBucket = Bucket,
            DestinationKey = key,
            MetadataDirective = S3MetadataDirective.REPLACE,
            ContentType = head.ContentType,

            // Only the version just read: a replacement in between keeps its own metadata.
            ETagToMatch = head.ETag,
        };
        foreach (var (name, value) in metadata)
        {
            request.Metadata.Add(name, value);
        }

        try
        {
            var response = await s3.CopyObjectAsync(request, cancellationToken).ConfigureAwait(false);
            return head with { ETag = Unquote(response.ETag), Metadata = metadata };
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.PreconditionFailed)
        {
            return null;
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
        {
            throw Unavailable(ex);
        }
    }

    private static Dictionary<string, string> UserMetadata(MetadataCollection metadata) =>
        metadata.Keys.ToDictionary(MetadataName, name => metadata[name], StringComparer.Ordinal);

    internal const string MetadataPrefix = "x-amz-meta-";

    /// <summary>S3 (and the SDK) name user metadata with its <c>x-amz-meta-</c> prefix; the service names it without, lower-case.</summary>
    internal static string MetadataName(string header) =>
        (header.StartsWith(MetadataPrefix, StringComparison.OrdinalIgnoreCase) ? header[MetadataPrefix.Length..] : header).ToLowerInvariant();

    private static bool IsConditionalConflict(AmazonS3Exception ex) =>
        ex.StatusCode == HttpStatusCode.Conflict && string.Equals(ex.ErrorCode, "ConditionalRequestConflict", StringComparison.Ordinal);

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = key }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
        {
            throw Unavailable(ex);
        }
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix };
        do
        {
            ListObjectsV2Response response;
            try
            {
                response = await s3.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
            {
                throw Unavailable(ex);
            }

            foreach (var item in response.S3Objects ?? [])
            {
                yield return item.Key;
            }

            request.ContinuationToken = response.NextContinuationToken;
        }
        while (!string.IsNullOrEmpty(request.ContinuationToken));
    }

    public Uri GetDownloadUrl(string key, TimeSpan validFor) => _reader.Presign(key, validFor);

    internal static string Unquote(string? etag) => etag?.Trim('"') ?? "";

    private static DateTimeOffset LastModified(DateTime? value) =>
        value is { } time ? new DateTimeOffset(DateTime.SpecifyKind(time.ToUniversalTime(), DateTimeKind.Utc)) : DateTimeOffset.UtcNow;

    // Our own cancellation is not an outage; an SDK timeout (also an OperationCanceledException) is.
    private static bool IsUnavailable(Exception ex, CancellationToken cancellationToken) =>
        ex is AmazonServiceException or AmazonClientException or HttpRequestException or IOException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private StorageUnavailableException Unavailable(Exception ex) => ex switch
    {
        AmazonServiceException service => new StorageUnavailableException(Name, $"S3 {Bucket} answered {(int)service.StatusCode} {service.ErrorCode}: {service.Message}", ex),
        _ => new StorageUnavailableException(Name, $"S3 {Bucket} could not be reached: {ex.Message}", ex),
    };
}
