using System.Text.Json.Serialization;

namespace ImageApi.Events;

/// <summary>
/// The S3 event notification JSON as Lambda delivers it (the Lambda Web Adapter posts it unchanged).
/// Only the fields the service reads are modelled. <c>s3:TestEvent</c>, sent when notifications are
/// configured, has no <c>Records</c> and an <c>Event</c> field instead.
/// </summary>
public sealed record S3EventNotification(
    [property: JsonPropertyName("Records")] IReadOnlyList<S3EventRecord>? Records,
    [property: JsonPropertyName("Event")] string? Event);

public sealed record S3EventRecord(
    [property: JsonPropertyName("eventName")] string? EventName,
    [property: JsonPropertyName("s3")] S3EventEntity? S3);

public sealed record S3EventEntity(
    [property: JsonPropertyName("bucket")] S3EventBucket? Bucket,
    [property: JsonPropertyName("object")] S3EventObject? S3Object);

public sealed record S3EventBucket([property: JsonPropertyName("name")] string? Name);

/// <param name="Key">URL-encoded, with '+' for spaces.</param>
public sealed record S3EventObject(
    [property: JsonPropertyName("key")] string? Key,
    [property: JsonPropertyName("size")] long? Size,
    [property: JsonPropertyName("eTag")] string? ETag);

/// <summary>What was done with each record of an event.</summary>
public sealed record EventRecordResult(string? EventName, string? Key, string Outcome);

public sealed record EventResult(IReadOnlyList<EventRecordResult> Records);
