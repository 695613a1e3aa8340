using System.Diagnostics;
using ImageApi.Security;
using ImageApi.Processing.Limits;
using ImageApi.Processing.Naming;
using ImageApi.Processing.Pipeline;
using ImageApi.Processing.Transforms;
using ImageApi.Processing.Watermarks;
using ImageApi.Storage;
using Microsoft.Extensions.Options;

namespace ImageApi.Images;

/// <summary>
/// The rendition cache in front of the pipeline: serve what the destination store holds, otherwise
/// fetch the original (or its intermediate), render, store, serve. The same path, with the same
/// single flight and timeout, serves <c>GET /images</c> and the default rendition made at upload.
/// </summary>
public sealed partial class RenditionService(
    ObjectStores stores,
    RenditionFiles files,
    AutoFormat autoFormat,
    SourceRecords records,
    Originals originals,
    Intermediates intermediates,
    Rejections rejections,
    RenditionQuota quota,
    RenditionFlights flights,
    ImagePipeline pipeline,
    RenditionMetrics metrics,
    RenditionRateLimiter rateLimiter,
    WatermarkPolicies watermarks,
    WatermarkSweep sweep,
    IOptions<RenditionDefaults> defaults,
    ILogger<RenditionService> logger)
{
    /// <summary>The rendition for a request, from storage when it is there.</summary>
    /// <exception cref="SourceNotFoundException">No original under <paramref name="source"/>.</exception>
    /// <exception cref="ImageRejectedException">The original or the request is refused.</exception>
    /// <exception cref="StorageUnavailableException">A store could not be reached.</exception>
    /// <exception cref="RateLimitedException"><paramref name="client"/> has asked for too many new renditions.</exception>
    /// <exception cref="TimeoutException">Making the rendition took longer than <c>Limits:RenderTimeout</c>.</exception>
    /// <exception cref="DecodeBudgetExhaustedException">Other renders hold the whole decode budget.</exception>
    /// <param name="client">Who asks, for the rate limit on new renditions; only evaluated on a cache miss.</param>
    public async Task<Rendition> GetAsync(SourceKey source, TransformRequest request, FormatSupport accepts, Func<string> client, CancellationToken cancellationToken)
    {
        // The original first: a key with nothing behind it costs one HEAD, and no rendition, record or listing.
        var head = await originals.HeadUnlessKnownAsync(source, cancellationToken).ConfigureAwait(false);
        var spec = await autoFormat.ResolveAsync(source, request, accepts, head, cancellationToken).ConfigureAwait(false);
        var key = new RenditionKey(source, spec with { Watermark = await watermarks.ForAsync(source, request.Watermark, cancellationToken).ConfigureAwait(false) });

        var clock = Stopwatch.StartNew();
        var stored = await stores.Destination.GetAsync(key.Value, cancellationToken).ConfigureAwait(false);
        if (stored is not null)
        {
            LogServed(logger, key.Value, stored.Info.Length);
            metrics.ServedFromStorage(stored.Info.Length);
            return new Rendition(key, stored.Content, stored.Info.Length, stored.Info.ETag, false, [new("fetch", clock.Elapsed)], stored);
        }

        rateLimiter.Acquire(client());
        var generated = await GenerateOnceAsync(key, head, cancellationToken).ConfigureAwait(false);
        return new Rendition(key, new MemoryStream(generated.Content, writable: false), generated.Content.Length, generated.ETag, true, generated.Timings);
    }

    /// <summary>Makes sure the default rendition exists; does nothing when it already does. Used by repeated upload events.</summary>
    /// <param name="original">The original, as the caller has just opened it (<see cref="Originals.OpenAsync"/>); the caller disposes it.</param>
    /// <param name="record">Its record, as the caller has just read it.</param>
    /// <returns>True when this call made it.</returns>
    public async Task<bool> EnsureDefaultAsync(SourceKey source, StoredObject original, SourceRecord? record, CancellationToken cancellationToken)
    {
        var key = await DefaultKeyAsync(source, cancellationToken).ConfigureAwait(false);
        if (await stores.Destination.HeadAsync(key.Value, cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;
        }

        await GenerateOnceAsync(key, original.Info, cancellationToken, await ReadAsync(original, record, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// What the service does when an original arrives: the default rendition, stored. Nothing else: the
    /// intermediate for other sizes is made by the first request for one.
    /// </summary>
    /// <param name="original">The original, as the caller has just opened it (<see cref="Originals.OpenAsync"/>); the caller disposes it.</param>
    /// <param name="record">Its record, as the caller has just read it (or null, when the caller has just deleted it).</param>
    /// <param name="writeRecord">
    /// Writes the original's new record from what its header said. It runs beside the rendition's PUT, not after
    /// it: an upload then waits for one round trip to storage less, and the order is not needed for safety, since
    /// a retried event that finds the record but not the rendition makes the rendition (<see cref="EnsureDefaultAsync"/>).
    /// </param>
    public async Task PrepareAsync(SourceKey source, StoredObject original, SourceRecord? record, Func<SourceFacts?, CancellationToken, Task> writeRecord, CancellationToken cancellationToken)
    {
        var key = await DefaultKeyAsync(source, cancellationToken).ConfigureAwait(false);
        var alongside = new RecordWrite(writeRecord);
        var generated = await GenerateOnceAsync(key, original.Info, cancellationToken, await ReadAsync(original, record, cancellationToken, alongside).ConfigureAwait(false)).ConfigureAwait(false);
        if (!alongside.Started)
        {
            // The render was a request's, which this upload joined: it stored no record.
            await alongside.Start(generated.Source, cancellationToken).ConfigureAwait(false);
        }
    }

    // Read before the flight: a render joined by a request must not depend on a stream its caller disposes.
    private async Task<KnownOriginal> ReadAsync(StoredObject original, SourceRecord? record, CancellationToken cancellationToken, RecordWrite? alongside = null) =>
        new(record, await originals.ReadOpenedAsync(original, cancellationToken).ConfigureAwait(false), alongside);

    /// <summary>Deletes every rendition of one original, and its record (none of another original whose key merely starts the same).</summary>
    public async Task<int> DeleteAllAsync(SourceKey source, CancellationToken cancellationToken)
    {
        var deleted = await files.DeleteAsync(source, _ => true, cancellationToken).ConfigureAwait(false);
        autoFormat.Forget(source);
        originals.Forget(source);
        intermediates.Forget(source);
        return deleted.Count(k => !RenditionKey.IsServiceFile(k));
    }

    /// <summary>Deletes the renditions of one original that were cut with its own focal point (now changed); the others stay.</summary>
    /// <returns>How many were deleted.</returns>
    public async Task<int> DeleteCutWithFocalPointAsync(SourceKey source, CancellationToken cancellationToken) =>
        (await files.DeleteAsync(source, RenditionKey.UsesOriginalFocalPoint, cancellationToken).ConfigureAwait(false)).Count;

    /// <param name="known">What an upload event has already read (the record, the bytes), so the render does not read it again.</param>
    private Task<GeneratedRendition> GenerateOnceAsync(RenditionKey key, ObjectInfo? head, CancellationToken cancellationToken, KnownOriginal? known = null) =>
        flights.RunAsync(key, token => GenerateAsync(key, head, known, token), cancellationToken);

    private async Task<GeneratedRendition> GenerateAsync(RenditionKey key, ObjectInfo? head, KnownOriginal? known, CancellationToken cancellationToken)
    {
        var isDefault = key.Spec with { Watermark = null } == DefaultSpec();
        var clock = Stopwatch.StartNew();
        if (known is null && flights.JustStored(key) && await files.ReadAsync(key, cancellationToken).ConfigureAwait(false) is { } justStored)
        {
            return new GeneratedRendition(justStored.Content, justStored.Info.ETag, [new("fetch", clock.Elapsed)], null);
        }

        head ??= await originals.HeadAsync(key.Source, cancellationToken).ConfigureAwait(false);
        await quota.EnforceAsync(key, isDefault, cancellationToken).ConfigureAwait(false);
        var held = isDefault ? null : intermediates.Held(key.Source, head);
        var heldRecord = held?.Record;
        var record = known is not null ? known.Record : heldRecord ?? await records.ReadSharedAsync(key.Source, cancellationToken).ConfigureAwait(false);
        Rejections.ThrowIfRecorded(record, head);
        var watermark = await watermarks.FingerprintForAsync(key.Source, cancellationToken).ConfigureAwait(false);
        var swept = await sweep.SweepAsync(key.Source, record, head, watermark, cancellationToken).ConfigureAwait(false);
        if (heldRecord is not null && swept is not null && !ReferenceEquals(swept, record))
        {
            intermediates.Remember(key.Source, swept);
        }

        record = swept;

        // The stored name keeps "the original's focal point"; the render needs the point itself.
        var spec = key.Spec.ForOriginal(FocalPoints.Of(head));
        RenderedImage rendered;
        TimeSpan fetched;
        if (isDefault)
        {
            // The default rendition never makes an intermediate, so an original only shown at its default size costs one decode.
            var (bytes, version) = await originals.DownloadAsync(key.Source, head, record, cancellationToken, known?.Bytes).ConfigureAwait(false);
            fetched = clock.Elapsed;
            using (bytes)
            {
                rendered = await rejections.RecordingAsync(key.Source, version, () => pipeline.Render(bytes, spec, null, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
        }
        else if (await intermediates.TryRenderAsync(key.Source, spec, record, head, held?.Pixels, clock, cancellationToken).ConfigureAwait(false) is var (cut, at))
        {
            (rendered, fetched) = (cut, at);
        }
        else
        {
            (rendered, fetched) = await RenderFirstSizeAsync(key.Source, spec, head, record, watermark, clock, cancellationToken).ConfigureAwait(false);
        }

        var renderedAt = clock.Elapsed;
        var storing = files.StoreAsync(key, rendered, cancellationToken);
        if (known?.RecordAlongside is { } alongside)
        {
            await Task.WhenAll(storing, alongside.Start(rendered.Source, cancellationToken)).ConfigureAwait(false);
        }

        var (content, info) = await storing.ConfigureAwait(false);
        var storedAt = clock.Elapsed;

        var timings = rendered.Timings;
        List<StageTiming> stages = [new("fetch", fetched), new("inspect", timings.Inspect)];
        if (timings.Intermediate > TimeSpan.Zero)
        {
            stages.Add(new("intermediate", timings.Intermediate));
        }

        stages.Add(new("render", timings.Render));
        stages.Add(new("store", storedAt - renderedAt));
        LogGenerated(logger, key.Value, content.Length, fetched.TotalMilliseconds, timings.Inspect.TotalMilliseconds,
            timings.Intermediate.TotalMilliseconds, timings.Render.TotalMilliseconds, (storedAt - renderedAt).TotalMilliseconds);
        metrics.Generated(content.Length, stages);
        return new GeneratedRendition(content, info.ETag, stages, rendered.Source);
    }

    /// <summary>
    /// A new size of an original without an intermediate: the original is decoded once, for this size and
    /// the intermediate. A first size that arrives while another one's decode runs waits for it and is
    /// cut from its intermediate; only one that does not fit inside it decodes the original again.
    /// </summary>
    /// <param name="spec">The rendition, with the original's own focal point resolved.</param>
    /// <param name="watermark">The fingerprint renditions of the original carry now, for its record.</param>
    /// <returns>The rendition, and when the original (or the intermediate) was at hand.</returns>
    private async Task<(RenderedImage Rendered, TimeSpan Fetched)> RenderFirstSizeAsync(SourceKey source, RenditionSpec spec, ObjectInfo head, SourceRecord? record, string? watermark, Stopwatch clock, CancellationToken cancellationToken)
    {
        var fetched = TimeSpan.Zero;
        var (made, mine) = await intermediates.MakeOnceAsync(source, head, async token =>
        {
            var (bytes, version) = await originals.DownloadAsync(source, head, record, token).ConfigureAwait(false);
            fetched = clock.Elapsed;
            using (bytes)
            {
                var made = await rejections.RecordingAsync(source, version, () => pipeline.RenderWithIntermediate(bytes, spec, token), token).ConfigureAwait(false);
                await intermediates.StoreAsync(source, version, made, record?.FocalPoint, watermark, token).ConfigureAwait(false);
                return made;
            }
        }, cancellationToken).ConfigureAwait(false);
        if (mine)
        {
            return (made.Rendition, fetched);
        }

        if (made.Decoded is { } shared && intermediates.Fits(spec, shared))
        {
            metrics.CutFromMemory();
            fetched = clock.Elapsed;
            return (pipeline.Render(shared, spec, cancellationToken), fetched);
        }

        var (bytes, version) = await originals.DownloadAsync(source, head, record, cancellationToken).ConfigureAwait(false);
        fetched = clock.Elapsed;
        using (bytes)
        {
            return (await rejections.RecordingAsync(source, version, () => pipeline.Render(bytes, spec, null, cancellationToken), cancellationToken).ConfigureAwait(false), fetched);
        }
    }

    private RenditionSpec DefaultSpec() => TransformRequest.Default(defaults.Value).Resolve(defaults.Value);

    /// <summary>The default rendition's name: what the upload made, marked as the original's policy says.</summary>
    private async Task<RenditionKey> DefaultKeyAsync(SourceKey source, CancellationToken cancellationToken) =>
        new(source, DefaultSpec() with { Watermark = await watermarks.ForAsync(source, WatermarkChoice.Default, cancellationToken).ConfigureAwait(false) });

    /// <summary>
    /// What an upload event read of an original before its render: its record, and its bytes (null when over the
    /// byte limit); and the write of its new record, to run beside the rendition's PUT.
    /// </summary>
    private sealed record KnownOriginal(SourceRecord? Record, ArraySegment<byte>? Bytes, RecordWrite? RecordAlongside = null);

    /// <summary>A record write that the render it waits for starts, or, when that render was another's, its caller.</summary>
    private sealed class RecordWrite(Func<SourceFacts?, CancellationToken, Task> write)
    {
        public bool Started { get; private set; }

        /// <param name="source">What the original's header said, as the render read it.</param>
        public Task Start(SourceImageInfo? source, CancellationToken cancellationToken)
        {
            Started = true;
            return write(source is { } info ? SourceRecords.FactsOf(info) : null, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rendition {Key} served from storage ({Bytes} bytes), cache hit")]
    private static partial void LogServed(ILogger logger, string key, long bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rendition {Key} generated ({Bytes} bytes), cache miss: fetch {FetchMs:0.0} ms, inspect {InspectMs:0.0} ms, intermediate {IntermediateMs:0.0} ms, render {RenderMs:0.0} ms, store {StoreMs:0.0} ms")]
    private static partial void LogGenerated(ILogger logger, string key, int bytes, double fetchMs, double inspectMs, double intermediateMs, double renderMs, double storeMs);
}
