namespace ImageApi.Uploads;

/// <summary>The headers an upload PUT must carry, as listed in the ticket.</summary>
public static class UploadHeaders
{
    public const string ContentType = "Content-Type";
    public const string IfNoneMatch = "If-None-Match";

    /// <summary>
    /// <c>Content-Type</c>, and <c>If-None-Match: *</c> where the storage checks it. Never
    /// <c>Content-Length</c>: the body sets it (a browser refuses to set it by hand), and the body must
    /// be exactly the announced number of bytes.
    /// </summary>
    public static IReadOnlyDictionary<string, string> For(string contentType, bool createOnly) => createOnly
        ? new Dictionary<string, string> { [ContentType] = contentType, [IfNoneMatch] = "*" }
        : new Dictionary<string, string> { [ContentType] = contentType };

    /// <summary>S3's header for one item of user metadata.</summary>
    public static string Metadata(string name) => "x-amz-meta-" + name;
}
