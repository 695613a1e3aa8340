using System.Text.Json;
using ImageApi.Processing.Limits;
using ImageApi.Processing.Naming;
using ImageApi.Storage;

namespace ImageApi.Images;

/// <summary>
/// What the service remembers about one original, next to its renditions: the version (ETag) the
/// renditions were made from, and whether that version was refused for good.
/// </summary>
/// <remarks>
/// It lives at <c>processed/&lt;key&gt;/_source.json</c>, so deleting an original's renditions deletes it too.
/// </remarks>
/// <param name="FocalPoint">
/// The original's focal point (its metadata spelling) when its event was last handled: a later event
/// that finds another one deletes the renditions cut with this one.
/// </param>
/// <param name="Watermark">The fingerprint of the mark its renditions carry (null: unmarked); another one now means some are stale (<see cref="WatermarkSweep"/>).</param>
public sealed record SourceRecord(string ETag, RecordedRejection? Rejection, IntermediateRecord? Intermediate = null, SourceFacts? Facts = null, string? FocalPoint = null, string? Watermark = null);

/// <summary>What <c>format=auto</c> needs to know of an original: its (oriented) size and whether it has transparency.</summary>
public sealed record SourceFacts(int Width, int Height, bool HasAlpha);

/// <summary>The intermediate (made with the original's first new size): its size and format, and the (oriented) size of the original it stands for.</summary>
public sealed record IntermediateRecord(int Width, int Height, int SourceWidth, int SourceHeight, string Format = "jpeg");

/// <summary>A refusal that no retry will change (undecodable, unsupported, over a limit), as it was answered.</summary>
public sealed record RecordedRejection(int Status, string Type, string Title, string Detail);

/// <summary>Raised for an original already known to be refused; answered exactly as the first time.</summary>
public sealed class RecordedRejectionException(RecordedRejection rejection) : ImageRejectedException(rejection.Detail)
{
    public RecordedRejection Rejection { get; } = rejection;
}

public sealed class SourceRecords(ObjectStores stores)
{
    public const string FileName = "_source.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static SourceFacts FactsOf(Processing.Pipeline.SourceImageInfo info) => new(info.Width, info.Height, info.HasAlpha);

    public static string KeyFor(SourceKey source) => RenditionKey.PrefixFor(source) + FileName;

    // The srcset widths of a page's first view each need the record; they share one read.
    private readonly SingleFlight<SourceRecord?> _reads = new();

    /// <summary>
    /// The record, for a request: one that arrives while another request's read of it is under way shares
    /// that read. An upload event, which must see what was written before it, uses <see cref="ReadAsync"/>.
    /// </summary>
    public Task<SourceRecord?> ReadSharedAsync(SourceKey source, CancellationToken cancellationToken) =>
        _reads.RunAsync(source.Value, token => ReadAsync(source, token), Timeout.InfiniteTimeSpan, cancellationToken);

    /// <summary>The record as storage holds it now, read by this call.</summary>
    public async Task<SourceRecord?> ReadAsync(SourceKey source, CancellationToken cancellationToken)
    {
        await using var stored = await stores.Destination.GetAsync(KeyFor(source), cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }

        try
        {
            return await JsonSerializer.DeserializeAsync<SourceRecord>(stored.Content, Json, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            // A damaged record only costs a re-check of the original.
            return null;
        }
    }

    public async Task WriteAsync(SourceKey source, SourceRecord record, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(record, Json));
        await stores.Destination.PutAsync(KeyFor(source), body, "application/json", PutMode.Overwrite, cancellationToken).ConfigureAwait(false);
    }
}
