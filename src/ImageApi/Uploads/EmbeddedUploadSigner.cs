using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ImageApi.Configuration;
using ImageApi.Processing.Naming;
using Microsoft.Extensions.Options;

namespace ImageApi.Uploads;

/// <summary>
/// The embedded mode's stand-in for S3 presigning: an HMAC-SHA256 over the key, content type,
/// maximum length, expiry and focal point, checked by <c>PUT /uploads/{key}</c>.
/// </summary>
public sealed class EmbeddedUploadSigner : IUploadTargetSigner
{
    public const string ContentTypeParameter = "contentType";
    public const string MaxLengthParameter = "maxLength";
    public const string ExpiresParameter = "expires";
    public const string SignatureParameter = "signature";
    public const string FocalPointParameter = "focalPoint";

    private readonly byte[] _key;
    private readonly TimeProvider _time;

    public EmbeddedUploadSigner(IOptions<UploadOptions> options, TimeProvider time)
    {
        var configured = options.Value.SigningKey;
        _key = string.IsNullOrEmpty(configured) ? RandomNumberGenerator.GetBytes(32) : Encoding.UTF8.GetBytes(configured);
        _time = time;
        UsesRandomKey = string.IsNullOrEmpty(configured);
    }

    public bool UsesRandomKey { get; }

    public Task<UploadTarget> SignAsync(SourceKey key, string contentType, long contentLength, IReadOnlyDictionary<string, string> metadata, DateTimeOffset expiresAt, Uri baseUri, CancellationToken cancellationToken)
    {
        var expires = expiresAt.ToUnixTimeSeconds();
        var focalPoint = metadata.GetValueOrDefault(Images.FocalPoints.MetadataName);
        var withPoint = focalPoint is null ? "" : $"&{FocalPointParameter}={Uri.EscapeDataString(focalPoint)}";
        var query = string.Create(CultureInfo.InvariantCulture,
            $"{ContentTypeParameter}={Uri.EscapeDataString(contentType)}&{MaxLengthParameter}={contentLength}&{ExpiresParameter}={expires}{withPoint}&{SignatureParameter}={Sign(key.Value, contentType, contentLength, expires, focalPoint)}");
        var url = new Uri(baseUri, "uploads/" + UrlPaths.EscapeKey(key.Value) + "?" + query);
        return Task.FromResult(new UploadTarget(url, HttpMethods.Put, UploadHeaders.For(contentType, createOnly: false)));
    }

    public UploadUrlCheck Verify(string key, string? contentType, string? maxLength, string? expires, string? signature, string? focalPoint = null)
    {
        if (contentType is null
            || !long.TryParse(maxLength, NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var expiry)
            || signature is null)
        {
            return UploadUrlCheck.Malformed;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(key, contentType, length, expiry, focalPoint));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature)))
        {
            return UploadUrlCheck.BadSignature;
        }

        // Signed, so it is the point the ticket was given; parsed again all the same, for what is stored.
        var point = Processing.Transforms.FocalPoint.Parse(focalPoint);
        if (focalPoint is not null && point is null)
        {
            return UploadUrlCheck.Malformed;
        }

        return _time.GetUtcNow().ToUnixTimeSeconds() > expiry ? UploadUrlCheck.Expired : UploadUrlCheck.Valid(contentType, length, point);
    }

    private string Sign(string key, string contentType, long maxLength, long expires, string? focalPoint)
    {
        // Newlines cannot occur in a valid key, content type or point, so fields cannot be shifted into
        // each other; a URL without a point signs an empty last field.
        var payload = string.Create(CultureInfo.InvariantCulture, $"PUT\n{key}\n{contentType}\n{maxLength}\n{expires}\n{focalPoint}");
        return Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(payload)));
    }
}

/// <summary>The outcome of checking an upload URL; <see cref="IsValid"/> carries what was signed.</summary>
public sealed record UploadUrlCheck(bool IsValid, string Reason, string ContentType = "", long MaxLength = 0, Processing.Transforms.FocalPoint? FocalPoint = null)
{
    public static UploadUrlCheck Malformed { get; } = new(false, "The upload URL is incomplete or malformed.");
    public static UploadUrlCheck BadSignature { get; } = new(false, "The upload URL's signature does not match; it was altered or not issued by this service.");
    public static UploadUrlCheck Expired { get; } = new(false, "The upload URL has expired; ask POST /uploads for a new one.");

    public static UploadUrlCheck Valid(string contentType, long maxLength, Processing.Transforms.FocalPoint? focalPoint = null) => new(true, "", contentType, maxLength, focalPoint);
}
