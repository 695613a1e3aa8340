using ImageApi.Processing.Limits;
using ImageApi.Processing.Naming;
using ImageApi.Processing.Transforms;
using ImageApi.Storage;
using Microsoft.AspNetCore.Mvc;

namespace ImageApi.Problems;

/// <summary>
/// The one place that says which failure is which status. Every error the API returns is one of these,
/// as <c>application/problem+json</c> (RFC 9457).
/// </summary>
public static class ProblemTypes
{
    private const string Base = "urn:imageapi:problem:";

    public const string InvalidParameters = Base + "invalid-parameters";
    public const string InvalidKey = Base + "invalid-key";
    public const string InvalidRequest = Base + "invalid-request";
    public const string InvalidUpload = Base + "invalid-upload";
    public const string UploadUrlRejected = Base + "upload-url-rejected";
    public const string UploadTooLarge = Base + "upload-too-large";
    public const string AlreadyUploaded = Base + "already-uploaded";
    public const string SourceNotFound = Base + "source-not-found";
    public const string SourceTooLarge = Base + "source-too-large";
    public const string OutputTooLarge = Base + "output-too-large";
    public const string UnsupportedFormat = Base + "unsupported-format";
    public const string Undecodable = Base + "undecodable";
    public const string StorageUnavailable = Base + "storage-unavailable";
    public const string SignatureRejected = Base + "signature-rejected";
    public const string OriginRejected = Base + "origin-rejected";
    public const string RenditionLimit = Base + "rendition-limit";
    public const string RateLimited = Base + "rate-limited";
    public const string RenderTimeout = Base + "render-timeout";
    public const string Busy = Base + "busy";
    public const string Unauthorized = Base + "unauthorized";
    public const string NotFound = Base + "not-found";
    public const string MethodNotAllowed = Base + "method-not-allowed";
    public const string PresetRequired = Base + "preset-required";
    public const string WatermarkUnavailable = Base + "watermark-unavailable";

    /// <summary>How long a client should wait after a 503.</summary>
    public static TimeSpan RetryAfter503 { get; } = TimeSpan.FromSeconds(5);

    /// <summary>Sets <c>Retry-After</c> in whole seconds, at least one.</summary>
    public static void SetRetryAfter(HttpResponse response, TimeSpan wait) =>
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <returns>The problem for a known failure, or null for a bug (answered as a plain 500).</returns>
    public static ProblemDetails? For(Exception exception) => exception switch
    {
        TransformRequestException ex => InvalidTransform(ex),
        InvalidUploadException ex => InvalidUploadProblem(ex),
        InvalidFocalPointException ex => Problem(StatusCodes.Status400BadRequest, InvalidRequest, "Invalid focal point", ex.Message),
        UploadUrlRejectedException ex => Problem(StatusCodes.Status403Forbidden, UploadUrlRejected, "Upload URL rejected", ex.Message),
        UploadTooLargeException ex => Problem(StatusCodes.Status413PayloadTooLarge, UploadTooLarge, "Upload too large", ex.Message),
        AlreadyUploadedException ex => Problem(StatusCodes.Status409Conflict, AlreadyUploaded, "Already uploaded", ex.Message),
        InvalidEventException ex => Problem(StatusCodes.Status400BadRequest, InvalidRequest, "Invalid event", ex.Message),
        EventTooLargeException ex => Problem(StatusCodes.Status413PayloadTooLarge, InvalidRequest, "Event too large", ex.Message),
        Images.RecordedRejectionException ex => Problem(ex.Rejection.Status, ex.Rejection.Type, ex.Rejection.Title, ex.Rejection.Detail),
        BadHttpRequestException ex => Problem(ex.StatusCode, InvalidRequest, "Invalid request", ex.Message),
        InvalidKeyException ex => Problem(StatusCodes.Status400BadRequest, InvalidKey, "Invalid key", ex.Reason),
        SourceNotFoundException ex => Problem(StatusCodes.Status404NotFound, SourceNotFound, "No such image", ex.Message),
        SourceTooManyScansException ex => Problem(StatusCodes.Status422UnprocessableEntity, Undecodable, "Image cannot be decoded", ex.Message),
        DecodeBudgetExhaustedException ex => Problem(StatusCodes.Status503ServiceUnavailable, Busy, "Busy decoding other images", ex.Message),
        SourceTooLargeException or SourceTooManyPixelsException or SourceTooManyFramesException or SourceNeedsTooMuchMemoryException
            => Problem(StatusCodes.Status413PayloadTooLarge, SourceTooLarge, "Original too large", exception.Message),
        OutputTooLargeException ex => Problem(StatusCodes.Status400BadRequest, OutputTooLarge, "Output too large", ex.Message),
        UnsupportedImageFormatException ex => Problem(StatusCodes.Status415UnsupportedMediaType, UnsupportedFormat, "Unsupported image format", ex.Message),
        UndecodableImageException ex => Problem(StatusCodes.Status422UnprocessableEntity, Undecodable, "Image cannot be decoded", ex.Message),
        StorageUnavailableException => Problem(StatusCodes.Status503ServiceUnavailable, StorageUnavailable, "Storage unavailable", "Storage could not be reached. Try again shortly."),
        Security.SignatureRejectedException ex => Problem(StatusCodes.Status403Forbidden, SignatureRejected, "Signature rejected", ex.Message),
        Security.OriginSecretRejectedException ex => Problem(StatusCodes.Status403Forbidden, OriginRejected, "Not through CloudFront", ex.Message),
        Images.RenditionLimitException ex => Problem(StatusCodes.Status403Forbidden, RenditionLimit, "Too many renditions", ex.Message),
        Security.RateLimitedException ex => Problem(StatusCodes.Status429TooManyRequests, RateLimited, "Too many requests", ex.Message),
        TimeoutException ex => Problem(StatusCodes.Status503ServiceUnavailable, RenderTimeout, "Rendering took too long", ex.Message),
        Security.PresetRequiredException ex => PresetRequiredProblem(ex),
        Images.WatermarkUnavailableException ex => Problem(StatusCodes.Status503ServiceUnavailable, WatermarkUnavailable, "Watermark unavailable", ex.Message),
        _ => null,
    };

    /// <summary>The type of a problem the framework answers by itself (no route, no credentials…).</summary>
    public static string? ForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => InvalidRequest,
        StatusCodes.Status401Unauthorized => Unauthorized,
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
        StatusCodes.Status413PayloadTooLarge => UploadTooLarge,
        StatusCodes.Status429TooManyRequests => RateLimited,
        _ => null,
    };

    public static ProblemDetails Problem(int status, string type, string title, string detail) =>
        new() { Status = status, Type = type, Title = title, Detail = detail };

    private static ProblemDetails InvalidUploadProblem(InvalidUploadException ex)
    {
        var problem = Problem(StatusCodes.Status400BadRequest, InvalidUpload, "Invalid upload request", ex.Message);
        problem.Extensions["errors"] = ex.Errors;
        problem.Extensions["limits"] = new { maxBytes = ex.MaxBytes, allowedContentTypes = ex.AllowedContentTypes };
        return problem;
    }

    private static ProblemDetails PresetRequiredProblem(Security.PresetRequiredException ex)
    {
        var problem = Problem(StatusCodes.Status400BadRequest, PresetRequired, "Presets only", ex.Message);
        problem.Extensions["presets"] = ex.Presets;
        return problem;
    }

    private static ProblemDetails InvalidTransform(TransformRequestException ex)
    {
        var problem = Problem(StatusCodes.Status400BadRequest, InvalidParameters, "Invalid transform parameters", ex.Message);
        problem.Extensions["errors"] = ex.Errors.ToDictionary(e => e.Parameter, e => new { message = e.Message, allowed = e.Allowed });
        return problem;
    }
}

/// <summary>The original a request names does not exist.</summary>
public sealed class SourceNotFoundException(string key) : Exception($"There is no original image under '{key}'.");

/// <summary>A <c>POST /uploads</c> body that cannot be signed; <see cref="Errors"/> names each field that is wrong.</summary>
public sealed class InvalidUploadException(IReadOnlyDictionary<string, string> errors, long maxBytes, IEnumerable<string> allowedContentTypes)
    : Exception(string.Join(" ", errors.Values))
{
    public IReadOnlyDictionary<string, string> Errors { get; } = errors;
    public long MaxBytes { get; } = maxBytes;
    public IReadOnlyList<string> AllowedContentTypes { get; } = [.. allowedContentTypes];
}

/// <summary>A focal point that is not a point of the image (both coordinates, from 0 to 1).</summary>
public sealed class InvalidFocalPointException(string detail) : Exception(detail);

/// <summary>An embedded upload URL that is expired, tampered with, or used with another content type.</summary>
public sealed class UploadUrlRejectedException(string reason) : Exception(reason);

/// <summary>An upload body over the signed length.</summary>
public sealed class UploadTooLargeException(long maxLength) : Exception($"This upload URL accepts at most {maxLength} bytes.");

/// <summary>An original already exists under the signed key: originals are never overwritten by uploads.</summary>
public sealed class AlreadyUploadedException()
    : Exception("An original is already stored under this key; ask POST /uploads for a new URL.");

/// <summary>A <c>POST /events</c> body that is not an S3 event notification.</summary>
public sealed class InvalidEventException(string detail, Exception? inner = null) : Exception(detail, inner);

/// <summary>A <c>POST /events</c> body over <see cref="Configuration.EventsOptions.MaxBodyBytes"/>.</summary>
public sealed class EventTooLargeException()
    : Exception($"An event body may be at most {Configuration.EventsOptions.MaxBodyBytes} bytes.");
