using ImageApi.Configuration;
using ImageApi.Problems;
using ImageApi.Processing.Naming;
using ImageApi.Security;
using ImageApi.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ImageApi.Images;

/// <summary>
/// <c>PUT /images/{key}/focal-point</c>: changes the focal point stored with an original (what
/// <c>gravity=focal</c> without coordinates and <c>gravity=auto</c> keep), with upload credentials.
/// The renditions cut with the old one are removed, in storage and at the edge, by the original's
/// ObjectCreated event, as for a replaced original: S3 sends one for the copy that replaces the
/// metadata, the embedded mode queues one here. So the HTTP function needs no right to delete
/// renditions or to invalidate the distribution.
/// </summary>
public static partial class FocalPointEndpoints
{
    public const string Suffix = "/focal-point";

    public static IEndpointRouteBuilder MapFocalPoints(this IEndpointRouteBuilder app)
    {
        // A catch-all cannot be followed by a literal, so the key and its suffix are one route value (and
        // OpenAPI lists the operation under /images/{key}, beside GET: two templates of one shape may not coexist).
        app.MapGroup("/images").WithTags("Images")
            .MapPut("/{**key:regex(^.+/focal-point$)}", SetAsync)
            .WithName("SetFocalPoint")
            .WithSummary("Set an original's focal point: PUT /images/{key}/focal-point (the key here ends with /focal-point)")
            .WithDescription(
                "The point gravity=focal (without fp-x and fp-y) and gravity=auto keep, as fractions of the upright original " +
                "(0,0 top left). Renditions cut with the previous point are deleted, and their cached copies invalidated, " +
                "by the original's ObjectCreated event moments later. Needs the credentials uploads need.")
            .Produces<FocalPointChange>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireAuthorization(UploadAuthentication.Policy);
        return app;
    }

    private static async Task<Ok<FocalPointChange>> SetAsync(
        string key,
        [FromBody] FocalPointBody? body,
        ObjectStores stores,
        Events.SourceEventQueue events,
        IOptions<StorageOptions> storage,
        IOptions<UploadOptions> uploads,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var point = (body ?? new FocalPointBody(null, null)).Validate(out var error) ?? throw new InvalidFocalPointException(error!);
        var source = SourceKey.Parse(key[..^Suffix.Length].Replace("%2F", "/", StringComparison.OrdinalIgnoreCase));
        if (!source.Value.StartsWith(uploads.Value.KeyPrefix, StringComparison.Ordinal))
        {
            throw new SourceNotFoundException(source.Value);
        }

        var original = await stores.Source.HeadAsync(source.Value, cancellationToken) ?? throw new SourceNotFoundException(source.Value);
        var stored = await stores.Source.ReplaceMetadataAsync(source.Value, FocalPoints.Metadata(point, original.Metadata), cancellationToken)
            ?? throw new SourceNotFoundException(source.Value);
        if (storage.Value.Provider == StorageProvider.File)
        {
            events.Publish(Events.SourceEvent.Created(source, stored.ETag));
        }

        LogSet(loggers.CreateLogger(typeof(FocalPointEndpoints)), source.Value, point.ToString());
        return TypedResults.Ok(new FocalPointChange(source.Value, new FocalPointBody(point.X, point.Y)));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Focal point of {Key} set to {Point}")]
    private static partial void LogSet(ILogger logger, string key, string point);
}

/// <summary>The answer to a focal point change: the point now stored with the original.</summary>
public sealed record FocalPointChange(string Key, FocalPointBody FocalPoint);
