using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using ImageApi.Configuration;
using ImageApi.Processing.Pipeline;
using ImageApi.Processing.Watermarks;
using Microsoft.Extensions.Options;

namespace ImageApi.Images;

/// <summary>
/// Where the configured mark comes from: a file, read once, or an S3 object, held in memory and read
/// again when its ETag changes (checked at most every <c>Watermarks:RefreshInterval</c>). The S3 client
/// is the service's own, resolved only for an <c>s3://</c> mark (the folder store may have no AWS region).
/// </summary>
public sealed partial class WatermarkSource(
    IOptions<WatermarkOptions> options,
    IHostEnvironment environment,
    ImagePipeline pipeline,
    IServiceProvider services,
    TimeProvider time,
    ILogger<WatermarkSource> logger) : IDisposable
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private readonly Lazy<WatermarkPolicy> _file = new(() => LoadFile(PathOf(options.Value, environment), options.Value.Settings, pipeline));

    // One reference, replaced whole: requests read it without the lock and never see half an update.
    private volatile S3Mark? _s3;

    /// <summary>The mark as it is now, or null when none is configured.</summary>
    /// <exception cref="WatermarkUnavailableException">The configured mark cannot be read or used; renditions it covers cannot be made.</exception>
    public async Task<WatermarkPolicy?> CurrentAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return null;
        }

        if (!settings.IsS3)
        {
            // Checked at start-up; a file that went away since is as unavailable as a missing S3 object.
            try
            {
                return _file.Value;
            }
            catch (InvalidWatermarkException ex)
            {
                throw Unavailable(settings, ex.Problem.TrimEnd('.'), ex);
            }
        }

        if (_s3 is { } cached && time.GetUtcNow() - cached.CheckedAt < settings.RefreshInterval)
        {
            return cached.Policy;
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RefreshS3Async(settings, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>The full path of a file mark: relative paths are relative to the app's folder.</summary>
    public static string PathOf(WatermarkOptions settings, IHostEnvironment environment) =>
        Path.GetFullPath(Path.Combine(environment.ContentRootPath, settings.Image));

    /// <summary>Reads and checks a file mark, as start-up validation and the first render do.</summary>
    /// <exception cref="InvalidWatermarkException">Missing, unreadable, or not a usable mark.</exception>
    public static WatermarkPolicy LoadFile(string path, WatermarkSettings settings, ImagePipeline pipeline)
    {
        if (!File.Exists(path))
        {
            throw new InvalidWatermarkException("names no file.");
        }

        byte[] bytes;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > pipeline.Limits.MaxSourceBytes)
            {
                throw new InvalidWatermarkException($"is {length} bytes, more than Limits:MaxSourceBytes ({pipeline.Limits.MaxSourceBytes}).");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidWatermarkException($"cannot be read ({ex.GetType().Name}: {ex.Message}).", ex);
        }

        return WatermarkPolicy.Create(bytes, settings, pipeline.Limits);
    }

    private async Task<WatermarkPolicy> RefreshS3Async(WatermarkOptions settings, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_s3 is { } fresh && now - fresh.CheckedAt < settings.RefreshInterval)
        {
            // Another request refreshed it while this one waited.
            return fresh.Policy;
        }

        var (bucket, key) = settings.S3Location;
        var s3 = services.GetRequiredService<IAmazonS3>();
        try
        {
            var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            if (_s3 is { } known && known.ETag == head.ETag)
            {
                _s3 = known with { CheckedAt = now };
                return known.Policy;
            }

            if (head.ContentLength > pipeline.Limits.MaxSourceBytes)
            {
                throw new InvalidWatermarkException($"is {head.ContentLength} bytes, more than Limits:MaxSourceBytes ({pipeline.Limits.MaxSourceBytes}).");
            }

            using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            var policy = WatermarkPolicy.Create(buffer.ToArray(), settings.Settings, pipeline.Limits);
            _s3 = new S3Mark(policy, response.ETag, now);
            LogLoaded(logger, settings.Image, response.ETag, policy.Width, policy.Height, policy.Fingerprint);
            return policy;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw Unavailable(settings, "does not exist", ex);
        }
        catch (InvalidWatermarkException ex)
        {
            throw Unavailable(settings, ex.Problem.TrimEnd('.'), ex);
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException or IOException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw Unavailable(settings, "could not be read from S3", ex);
        }
    }

    private WatermarkUnavailableException Unavailable(WatermarkOptions settings, string problem, Exception ex)
    {
        LogUnavailable(logger, settings.Image, problem, ex);
        return new WatermarkUnavailableException(problem, ex);
    }

    public void Dispose() => _refresh.Dispose();

    private sealed record S3Mark(WatermarkPolicy Policy, string ETag, DateTimeOffset CheckedAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Watermark {Image} (ETag {ETag}) loaded: {Width}x{Height}, fingerprint {Fingerprint}")]
    private static partial void LogLoaded(ILogger logger, string image, string etag, int width, int height, string fingerprint);

    [LoggerMessage(Level = LogLevel.Error, Message = "Watermarks:Image {Image} {Problem}: covered renditions cannot be made")]
    private static partial void LogUnavailable(ILogger logger, string image, string problem, Exception exception);
}

/// <summary>The configured mark cannot be read or used, so renditions it covers are not made (never made unmarked instead).</summary>
public sealed class WatermarkUnavailableException(string problem, Exception? inner = null)
    : Exception($"The watermark set in Watermarks:Image {problem}; renditions of this image are not served without it.", inner);
