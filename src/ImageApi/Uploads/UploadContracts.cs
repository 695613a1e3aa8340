namespace ImageApi.Uploads;

/// <summary>The body of <c>POST /uploads</c>: what the browser is about to send.</summary>
/// <param name="FileName">The file's name on the user's machine; only its safe part is kept in the key.</param>
/// <param name="ContentType">One of the allowed image types, e.g. <c>image/jpeg</c>.</param>
/// <param name="ContentLength">The file's size in bytes.</param>
/// <param name="FocalPoint">
/// Optional: the point of the image <c>gravity=focal</c> and <c>gravity=auto</c> keep, <c>{x, y}</c> as
/// fractions of the upright image (0,0 top left). Stored with the original; signed into the upload URL.
/// </param>
public sealed record UploadRequest(string? FileName, string? ContentType, long? ContentLength, Images.FocalPointBody? FocalPoint = null);

/// <summary>Everything the browser needs to send the original straight to storage.</summary>
/// <param name="Key">The key the original will have; chosen by the server and unique.</param>
/// <param name="UploadUrl">Where to send the bytes.</param>
/// <param name="Method">Always PUT, in both modes: send the file as the body, exactly the announced
/// <c>contentLength</c> bytes, with <paramref name="Headers"/>.</param>
/// <param name="Headers">Headers the PUT must carry exactly as given (<c>Content-Type</c>, and with S3
/// <c>If-None-Match: *</c> and the focal point's <c>x-amz-meta-focal-point</c>); they are part of the signature. <c>Content-Length</c> is signed too but not
/// listed: the body sets it.</param>
/// <param name="ExpiresAt">After this the URL is refused.</param>
/// <param name="ImageUrl">Where the renditions will be served; add <c>?w=…</c> for other sizes.</param>
public sealed record UploadTicket(
    string Key,
    Uri UploadUrl,
    string Method,
    IReadOnlyDictionary<string, string> Headers,
    DateTimeOffset ExpiresAt,
    Uri ImageUrl);

/// <summary>Where and how to send one original; made by the storage provider's signer.</summary>
public sealed record UploadTarget(Uri Url, string Method, IReadOnlyDictionary<string, string> Headers);

/// <summary>Signs upload URLs for the storage in use (the app's own endpoint, or S3).</summary>
public interface IUploadTargetSigner
{
    /// <param name="metadata">User metadata the original is stored with (its focal point); part of the signature.</param>
    Task<UploadTarget> SignAsync(Processing.Naming.SourceKey key, string contentType, long contentLength, IReadOnlyDictionary<string, string> metadata, DateTimeOffset expiresAt, Uri baseUri, CancellationToken cancellationToken);
}
