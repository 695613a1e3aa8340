using ImageApi.Processing.Naming;

namespace ImageApi.Events;

public enum SourceEventKind
{
    Created,
    Removed,
}

/// <summary>Something happened to an original: what S3 reports as ObjectCreated or ObjectRemoved.</summary>
public sealed record SourceEvent(SourceEventKind Kind, SourceKey Key, string? ETag)
{
    public static SourceEvent Created(SourceKey key, string? etag) => new(SourceEventKind.Created, key, etag);
}
