using System.Diagnostics;
using ImageApi.Configuration;
using ImageApi.Problems;
using ImageApi.Security;
using ImageApi.Processing.Limits;
using ImageApi.Processing.Naming;
using ImageApi.Processing.Pipeline;
using ImageApi.Processing.Transforms;
using ImageApi.Storage;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ImageApi.Images;

/// <summary>
/// The rendition cache in front of the pipeline: serve what the destination store holds, otherwise
/// fetch the original, render, store, serve. The same path serves <c>GET /images</c> and the
/// default rendition made when an upload arrives.
/// </summary>
public sealed partial class RenditionService(
    ObjectStores stores,
    SourceRecords records,
    ImagePipeline pipeline,
    IMemoryCache cache,
    RenditionMetrics metrics,
    RenditionRateLimiter rateLimiter,
    IOptions<RenditionDefaults> defaults,
    IOptions<ServiceLimitsOptions> limits,
    ILogger<RenditionService> logger)
{
    private readonly SingleFlight<GeneratedRendition> _inFlight = new();

    /// <summary>The rendition for a request, from storage when it is there.</summary>
    /// <exception cref="SourceNotFoundException">No original under <paramref name="source"/>.</exception>
    /// <exception cref="ImageRejectedException">The original or the request is refused.</exception>
    /// <exception cref="StorageUnavailableException">A store could not be reached.</exception>
    /// <exception cref="RateLimitedException"><paramref name="client"/> has asked for too many new renditions.</exception>
    /// <exception cref="TimeoutException">Making the rendition took longer than <c>Limits:RenderTimeout</c>.</exception>
    /// <param name="client">Who asks, for the rate limit on new renditions; only evaluated on a cache miss.</param>
    public async Task<Rendition> GetAsync(SourceKey source, TransformRequest request, bool clientAcceptsWebp, Func<string> client, CancellationToken cancellationToken)
    {
        var alpha = request.NeedsSourceAlpha(clientAcceptsWebp) && await SourceHasAlphaAsync(source, cancellationToken).ConfigureAwait(false);
        var key = new RenditionKey(source, request.Resolve(clientAcceptsWebp, alpha));

        var clock = Stopwatch.StartNew();
        var stored = await stores.Destination.GetAsync(key.Value, cancellationToken).ConfigureAwait(false);
        if (stored is not null)
        {
            LogServed(logger, key.Value, stored.Info.Length);
            metrics.ServedFromStorage(stored.Info.Length);
            return new Rendition(key, stored.Content, stored.Info.Length, stored.Info.ETag, false, [new("fetch", clock.Elapsed)], stored);
        }

        rateLimiter.Acquire(client());
        var generated = await GenerateOnceAsync(key, cancellationToken).ConfigureAwait(false);
        return new Rendition(key, new MemoryStream(generated.Content, writable: false), generated.Content.Length, generated.ETag, true, generated.Timings);
    }

    /// <summary>Makes sure the default rendition exists; does nothing when it already does. Used by upload events.</summary>
    /// <returns>True when this call made it.</returns>
    public async Task<bool> EnsureDefaultAsync(SourceKey source, CancellationToken cancellationToken)
    {
        var key = DefaultKey(source);
        if (await stores.Destination.HeadAsync(key.Value, cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;
        }

        await GenerateOnceAsync(key, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// What the service does when an original arrives: the default rendition, stored. Nothing else: the
    /// intermediate for other sizes is made by the first request for one, so an original that is only
    /// ever shown at its default size costs one scaled decode.
    /// </summary>
    /// <param name="head">The original's metadata, as the caller has just read it.</param>
    public async Task PrepareAsync(SourceKey source, ObjectInfo head, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var (original, version) = await DownloadOriginalAsync(source, head, record: null, cancellationToken).ConfigureAwait(false);
        await RenderAndStoreAsync(DefaultKey(source), original, version, null, clock, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes every rendition of one original, and its record (none of another original whose key merely starts the same).</summary>
    public async Task<int> DeleteAllAsync(SourceKey source, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await foreach (var key in stores.Destination.ListAsync(RenditionKey.PrefixFor(source), cancellationToken).ConfigureAwait(false))
        {
            if (RenditionKey.BelongsTo(key, source))
            {
                keys.Add(key);
            }
        }

        foreach (var key in keys)
        {
            await stores.Destination.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        }

        cache.Remove(AlphaCacheKey(source));
        return keys.Count(k => !RenditionKey.IsServiceFile(k));
    }

    // Concurrent requests for one missing rendition render it once. The work stops when every request
    // waiting for it has gone, or when it takes longer than the render timeout.
    private Task<GeneratedRendition> GenerateOnceAsync(RenditionKey key, CancellationToken cancellationToken) =>
        _inFlight.RunAsync(key.Value, token => GenerateAsync(key, token), limits.Value.RenderTimeout, cancellationToken);

    private async Task<GeneratedRendition> GenerateAsync(RenditionKey key, CancellationToken cancellationToken)
    {
        await EnforceRenditionLimitAsync(key, cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var (original, version, plannedFrom) = await ReadSourceForAsync(key, cancellationToken).ConfigureAwait(false);
        return await RenderAndStoreAsync(key, original, version, plannedFrom, clock, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Renders from what was read (<paramref name="clock"/> started before reading it) and stores the rendition.</summary>
    private async Task<GeneratedRendition> RenderAndStoreAsync(RenditionKey key, MemoryStream original, string version, Dimensions? plannedFrom, Stopwatch clock, CancellationToken cancellationToken)
    {
        var fetched = clock.Elapsed;
        RenderedImage rendered;
        using (original)
        {
            rendered = await RenderAsync(key, original, version, plannedFrom, cancellationToken).ConfigureAwait(false);
        }

        var renderedAt = clock.Elapsed;
        var content = rendered.Content;
        ObjectInfo info;
        using (var body = new MemoryStream(content, writable: false))
        {
            try
            {
                info = await stores.Destination.PutAsync(key.Value, body, rendered.ContentType, PutMode.CreateOnly, cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectAlreadyExistsException)
            {
                // Another instance stored it first: serve what it stored, so every client sees one ETag.
                (content, info) = await ReadStoredAsync(key, cancellationToken).ConfigureAwait(false);
            }
        }

        var stored = clock.Elapsed;
        LogGenerated(logger, key.Value, content.Length, fetched.TotalMilliseconds, rendered.Timings.Decode.TotalMilliseconds,
            rendered.Timings.Resize.TotalMilliseconds, rendered.Timings.Encode.TotalMilliseconds, (stored - renderedAt).TotalMilliseconds);
        List<StageTiming> stages =
        [
            new("fetch", fetched),
            new("decode", rendered.Timings.Decode),
            new("resize", rendered.Timings.Resize),
            new("encode", rendered.Timings.Encode),
            new("store", stored - renderedAt),
        ];
        if (rendered.Timings.Intermediate > TimeSpan.Zero)
        {
            stages.Insert(2, new("intermediate", rendered.Timings.Intermediate));
        }

        metrics.Generated(content.Length, stages);
        return new GeneratedRendition(content, info.ETag, stages);
    }

    /// <summary>
    /// Renders from what <see cref="ReadSourceForAsync"/> found. The first new size rendered from an
    /// original also leaves the intermediate behind (from the same decode) and records it; the default
    /// rendition never does, so uploads stay cheap. A refusal is recorded.
    /// </summary>
    private async Task<RenderedImage> RenderAsync(RenditionKey key, MemoryStream source, string version, Dimensions? plannedFrom, CancellationToken cancellationToken)
    {
        RenditionWithIntermediate made;
        try
        {
            if (plannedFrom is not null || key == DefaultKey(key.Source))
            {
                return pipeline.Render(source, key.Spec, plannedFrom, cancellationToken);
            }

            made = pipeline.RenderWithIntermediate(source, key.Spec, cancellationToken);
        }
        catch (ImageRejectedException ex) when (ex is not OutputTooLargeException)
        {
            await RecordRejectionAsync(key.Source, version, ex, cancellationToken).ConfigureAwait(false);
            throw;
        }

        if (made.Intermediate is { } image)
        {
            using var body = new MemoryStream(image.Content, writable: false);
            await stores.Destination.PutAsync(RenditionKey.IntermediateFor(key.Source), body, image.ContentType, PutMode.Overwrite, cancellationToken).ConfigureAwait(false);
            var intermediate = new IntermediateRecord(image.Width, image.Height, made.Source.Width, made.Source.Height);
            await records.WriteAsync(key.Source, new SourceRecord(version, null, intermediate), cancellationToken).ConfigureAwait(false);
            LogIntermediate(logger, key.Source.Value, image.Width, image.Height, image.Content.Length, made.Rendition.Timings.Intermediate.TotalMilliseconds);
        }

        return made.Rendition;
    }

    /// <summary>Every new size is new work and storage: one original may have only so many (the default one always).</summary>
    private async Task EnforceRenditionLimitAsync(RenditionKey key, CancellationToken cancellationToken)
    {
        var max = limits.Value.MaxRenditionsPerOriginal;
        if (max == 0 || key == DefaultKey(key.Source))
        {
            return;
        }

        var count = 0;
        await foreach (var existing in stores.Destination.ListAsync(RenditionKey.PrefixFor(key.Source), cancellationToken).ConfigureAwait(false))
        {
            if (RenditionKey.BelongsTo(existing, key.Source) && !RenditionKey.IsServiceFile(existing))
            {
                count++;
            }
        }

        if (count >= max)
        {
            throw new RenditionLimitException(max);
        }
    }

    /// <summary>
    /// What to render <paramref name="key"/> from: the intermediate, when one was made and the rendition fits
    /// inside it (a fraction of the original's pixels to decode), otherwise the original.
    /// </summary>
    private async Task<(MemoryStream Bytes, string Version, Dimensions? PlannedFrom)> ReadSourceForAsync(RenditionKey key, CancellationToken cancellationToken)
    {
        var head = await stores.Source.HeadAsync(key.Source.Value, cancellationToken).ConfigureAwait(false)
            ?? throw new SourceNotFoundException(key.Source.Value);
        var record = await records.ReadAsync(key.Source, cancellationToken).ConfigureAwait(false);
        if (record is { Intermediate: { } im, Rejection: null } && record.ETag == head.ETag
            && ImagePipeline.CanRenderFromIntermediate(key.Spec, new(im.SourceWidth, im.SourceHeight), new(im.Width, im.Height), defaults.Value.MaxWidth, defaults.Value.MaxHeight))
        {
            await using var intermediate = await stores.Destination.GetAsync(RenditionKey.IntermediateFor(key.Source), cancellationToken).ConfigureAwait(false);
            if (intermediate is not null)
            {
                return (await ReadAllAsync(intermediate, cancellationToken).ConfigureAwait(false), head.ETag, new Dimensions(im.SourceWidth, im.SourceHeight));
            }
        }

        var (bytes, version) = await DownloadOriginalAsync(key.Source, head, record, cancellationToken).ConfigureAwait(false);
        return (bytes, version, null);
    }

    /// <summary>
    /// Reads an original into memory: a HEAD first, so a missing, oversized or already-refused
    /// original is answered without downloading a byte of it.
    /// </summary>
    /// <returns>The bytes and the ETag of the version read.</returns>
    private async Task<(MemoryStream Bytes, string ETag)> ReadOriginalAsync(SourceKey source, CancellationToken cancellationToken)
    {
        var head = await stores.Source.HeadAsync(source.Value, cancellationToken).ConfigureAwait(false)
            ?? throw new SourceNotFoundException(source.Value);
        var record = await records.ReadAsync(source, cancellationToken).ConfigureAwait(false);
        return await DownloadOriginalAsync(source, head, record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Downloads an original whose <paramref name="head"/> and <paramref name="record"/> are already known.</summary>
    private async Task<(MemoryStream Bytes, string ETag)> DownloadOriginalAsync(SourceKey source, ObjectInfo head, SourceRecord? record, CancellationToken cancellationToken)
    {
        if (record is { Rejection: { } rejection } && record.ETag == head.ETag)
        {
            throw new RecordedRejectionException(rejection);
        }

        if (head.Length > pipeline.Limits.MaxSourceBytes)
        {
            var tooLarge = new SourceTooLargeException(head.Length, pipeline.Limits.MaxSourceBytes);
            await RecordRejectionAsync(source, head.ETag, tooLarge, cancellationToken).ConfigureAwait(false);
            throw tooLarge;
        }

        await using var original = await stores.Source.GetAsync(source.Value, cancellationToken).ConfigureAwait(false)
            ?? throw new SourceNotFoundException(source.Value);
        if (original.Info.Length > pipeline.Limits.MaxSourceBytes)
        {
            // Replaced by a larger one between the HEAD and the GET.
            throw new SourceTooLargeException(original.Info.Length, pipeline.Limits.MaxSourceBytes);
        }

        var buffer = await ReadAllAsync(original, cancellationToken).ConfigureAwait(false);
        metrics.OriginalRead(buffer.Length);
        return (buffer, original.Info.ETag);
    }

    private static async Task<MemoryStream> ReadAllAsync(StoredObject stored, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream(checked((int)stored.Info.Length));
        await stored.Content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        buffer.Position = 0;
        return buffer;
    }

    private RenditionKey DefaultKey(SourceKey source) => new(source, TransformRequest.Default(defaults.Value).Resolve(clientAcceptsWebp: true, sourceHasAlpha: false));

    private async Task RecordRejectionAsync(SourceKey source, string version, ImageRejectedException rejection, CancellationToken cancellationToken)
    {
        if (rejection is RecordedRejectionException || ProblemTypes.For(rejection) is not { } problem)
        {
            return;
        }

        var recorded = new RecordedRejection(problem.Status!.Value, problem.Type!, problem.Title!, problem.Detail!);
        await records.WriteAsync(source, new SourceRecord(version, recorded), cancellationToken).ConfigureAwait(false);
    }

    private async Task<(byte[] Content, ObjectInfo Info)> ReadStoredAsync(RenditionKey key, CancellationToken cancellationToken)
    {
        await using var stored = await stores.Destination.GetAsync(key.Value, cancellationToken).ConfigureAwait(false)
            ?? throw new StorageUnavailableException(stores.Destination.Name, $"'{key.Value}' vanished right after it was stored.");
        using var buffer = await ReadAllAsync(stored, cancellationToken).ConfigureAwait(false);
        return (buffer.ToArray(), stored.Info);
    }

    /// <summary>Only <c>format=auto</c> for a client without WebP needs this; the answer is cached per original.</summary>
    private async Task<bool> SourceHasAlphaAsync(SourceKey source, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(AlphaCacheKey(source), out bool alpha))
        {
            return alpha;
        }

        var (original, version) = await ReadOriginalAsync(source, cancellationToken).ConfigureAwait(false);
        using (original)
        {
            try
            {
                alpha = pipeline.Inspect(original).HasAlpha;
            }
            catch (ImageRejectedException ex)
            {
                await RecordRejectionAsync(source, version, ex, cancellationToken).ConfigureAwait(false);
                throw;
            }
        }

        cache.Set(AlphaCacheKey(source), alpha, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromHours(1) });
        return alpha;
    }

    private static string AlphaCacheKey(SourceKey source) => "alpha:" + source.Value;

    private sealed record GeneratedRendition(byte[] Content, string ETag, IReadOnlyList<StageTiming> Timings);

    [LoggerMessage(Level = LogLevel.Information, Message = "Intermediate of {Key} made with its first new size: {Width}x{Height}, {Bytes} bytes, {IntermediateMs:0.0} ms to resize and encode")]
    private static partial void LogIntermediate(ILogger logger, string key, int width, int height, int bytes, double intermediateMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rendition {Key} served from storage ({Bytes} bytes), cache hit")]
    private static partial void LogServed(ILogger logger, string key, long bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rendition {Key} generated ({Bytes} bytes), cache miss: fetch {FetchMs:0.0} ms, decode {DecodeMs:0.0} ms, resize {ResizeMs:0.0} ms, encode {EncodeMs:0.0} ms, store {StoreMs:0.0} ms")]
    private static partial void LogGenerated(ILogger logger, string key, int bytes, double fetchMs, double decodeMs, double resizeMs, double encodeMs, double storeMs);
}

/// <summary>The original already has as many renditions as <c>Limits:MaxRenditionsPerOriginal</c> allows.</summary>
public sealed class RenditionLimitException(int limit)
    : Exception($"This image already has {limit} renditions, the most one image may have; use one of the sizes already made.");
