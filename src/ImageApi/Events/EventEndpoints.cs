using System.Net;
using System.Text.Json;
using ImageApi.Configuration;
using ImageApi.Problems;
using ImageApi.Processing.Naming;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ImageApi.Events;

/// <summary>
/// <c>POST /events</c>: S3 notifications, delivered by the Lambda Web Adapter's pass-through path.
/// 200 when every record is done or can never be done (a bad original is logged and recorded);
/// 503 when storage failed, so Lambda retries the event. Every record is idempotent.
/// </summary>
public static class EventEndpoints
{
    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder app)
    {
        app.MapPost("/events", HandleAsync)
            .WithTags("Events")
            .WithName("HandleS3Event")
            .WithSummary("Handle an S3 event notification (ObjectCreated, ObjectRemoved)")
            .WithDescription(
                "The raw S3 event JSON ({\"Records\": [...]}), as Lambda receives it. ObjectCreated makes the default " +
                "rendition (and removes stale renditions of an overwritten original); ObjectRemoved deletes all renditions. " +
                "Keys outside the upload prefix and other buckets are ignored. Decisions are taken from what storage " +
                "holds, so repeated or forged events do no harm.")
            .Accepts<S3EventNotification>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<Ok<EventResult>> HandleAsync(
        HttpRequest request,
        SourceEventHandler handler,
        IOptions<StorageOptions> storage,
        IOptions<UploadOptions> uploads,
        CancellationToken cancellationToken)
    {
        if (request.ContentLength > EventsOptions.MaxBodyBytes)
        {
            throw new EventTooLargeException();
        }

        S3EventNotification? notification;
        try
        {
            notification = await JsonSerializer.DeserializeAsync<S3EventNotification>(new Uploads.LengthLimitedStream(request.Body, EventsOptions.MaxBodyBytes), cancellationToken: cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new InvalidEventException($"The body is not an S3 event notification: {ex.Message}", ex);
        }
        catch (Uploads.LengthLimitExceededException)
        {
            throw new EventTooLargeException();
        }

        if (notification is null || (notification.Records is null && notification.Event is null))
        {
            throw new InvalidEventException("The body has neither Records nor Event.");
        }

        if (notification.Records?.Count > EventsOptions.MaxRecords)
        {
            throw new InvalidEventException($"An event may hold at most {EventsOptions.MaxRecords} records (this one has {notification.Records.Count}).");
        }

        var results = new List<EventRecordResult>();
        foreach (var record in notification.Records ?? [])
        {
            results.Add(await HandleRecordAsync(record, handler, storage.Value, uploads.Value.KeyPrefix, cancellationToken));
        }

        return TypedResults.Ok(new EventResult(results));
    }

    private static async Task<EventRecordResult> HandleRecordAsync(S3EventRecord record, SourceEventHandler handler, StorageOptions storage, string prefix, CancellationToken cancellationToken)
    {
        var name = record.EventName ?? "";
        var rawKey = record.S3?.S3Object?.Key;
        var key = rawKey is null ? null : WebUtility.UrlDecode(rawKey);
        EventRecordResult Result(string outcome) => new(name, key, outcome);

        SourceEventKind kind;
        if (name.StartsWith("ObjectCreated:", StringComparison.Ordinal))
        {
            kind = SourceEventKind.Created;
        }
        else if (name.StartsWith("ObjectRemoved:", StringComparison.Ordinal))
        {
            kind = SourceEventKind.Removed;
        }
        else
        {
            return Result("ignored-event");
        }

        if (storage.Provider == StorageProvider.S3 && record.S3?.Bucket?.Name != storage.S3.SourceBucket)
        {
            return Result("ignored-other-bucket");
        }

        if (!SourceKey.TryParse(key, out var sourceKey, out _))
        {
            return Result("ignored-invalid-key");
        }

        if (!sourceKey.Value.StartsWith(prefix, StringComparison.Ordinal))
        {
            return Result("ignored-outside-prefix");
        }

        var outcome = await handler.HandleAsync(new SourceEvent(kind, sourceKey, record.S3?.S3Object?.ETag), cancellationToken);
        return Result(JsonNamingPolicy.KebabCaseLower.ConvertName(outcome.ToString()));
    }
}
