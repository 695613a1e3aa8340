using ImageApi.Processing.Formats;
using ImageApi.Processing.Naming;
using ImageApi.Processing.Pipeline;
using ImageApi.Processing.Transforms;
using ImageApi.Configuration;
using ImageApi.Storage;
using Microsoft.Extensions.Options;

namespace ImageApi.Images;

/// <summary>
/// The intermediate policy: an original's first new size also leaves a smaller high-quality copy
/// behind (from the same decode), and later sizes that fit inside it are cut from it instead of the
/// multi-megapixel original. The default rendition never makes one, so an original only ever shown at
/// its default size costs one decode. Its pixels stay in memory a while (<see cref="DecodedIntermediates"/>),
/// as a page's other sizes follow at once.
/// </summary>
public sealed partial class Intermediates(ObjectStores stores, SourceRecords records, ImagePipeline pipeline, DecodedIntermediates held, RenditionMetrics metrics, IOptions<ServiceLimitsOptions> limits, ILogger<Intermediates> logger)
{
    /// <summary>One decode of an original's version at a time, to make its intermediate.</summary>
    private readonly SingleFlight<RenditionWithIntermediate> _making = new();

    /// <summary>One read and decode of a stored intermediate at a time, when later sizes arrive together.</summary>
    private readonly SingleFlight<DecodedIntermediate?> _loading = new();

    private bool Keeps => limits.Value.IntermediateCacheMegabytes > 0;

    /// <summary>The intermediate's name: a service file beside the renditions, never served.</summary>
    public static string KeyFor(SourceKey source, OutputFormat format) => RenditionKey.PrefixFor(source) + "_intermediate." + format.Extension;

    /// <summary>
    /// The pixels of this version's intermediate when they are held in memory, and the record they were
    /// made under: with it, a later size needs no storage call before its render.
    /// </summary>
    public (DecodedIntermediate Pixels, SourceRecord Record)? Held(SourceKey source, ObjectInfo head) => held.Find(source, head.ETag);

    /// <summary>Keeps a record that moved on (the watermark sweep) with the pixels held for it.</summary>
    public void Remember(SourceKey source, SourceRecord record) => held.Update(source, record);

    /// <summary>Lets go of the pixels held for an original that was deleted or replaced.</summary>
    public void Forget(SourceKey source) => held.Forget(source);

    /// <summary>
    /// Cuts <paramref name="spec"/> from this version's intermediate when there is one and the rendition
    /// fits inside it: from its pixels in memory, else from the stored file (decoded whole and kept in
    /// memory for the sizes that follow, unless <c>Limits:IntermediateCacheMegabytes</c> is 0).
    /// </summary>
    /// <param name="heldPixels">What <see cref="Held"/> gave for this version, if anything.</param>
    /// <returns>The rendition and when its source was at hand, or null: render from the original.</returns>
    public async Task<(RenderedImage Rendered, TimeSpan Fetched)?> TryRenderAsync(SourceKey source, RenditionSpec spec, SourceRecord? record, ObjectInfo head, DecodedIntermediate? heldPixels, System.Diagnostics.Stopwatch clock, CancellationToken cancellationToken)
    {
        if (heldPixels is { } pixels)
        {
            if (!Fits(spec, pixels))
            {
                return null;
            }

            metrics.CutFromMemory();
            return RenderFrom(pixels);
        }

        if (record is not { Intermediate: { } im, Rejection: null } || record.ETag != head.ETag
            || OutputFormats.Find(im.Format) is not { } format)
        {
            return null;
        }

        var original = new Dimensions(im.SourceWidth, im.SourceHeight);
        if (!pipeline.CanRenderFromIntermediate(spec, original, new Dimensions(im.Width, im.Height)))
        {
            return null;
        }

        if (!Keeps)
        {
            using var bytes = await ReadStoredAsync(source, format, cancellationToken).ConfigureAwait(false);
            if (bytes is null)
            {
                return null;
            }

            var fetched = clock.Elapsed;
            return (pipeline.Render(bytes, spec, original, cancellationToken), fetched);
        }

        var loaded = await _loading.RunAsync(source.Value + "\n" + head.ETag, async token =>
        {
            using var bytes = await ReadStoredAsync(source, format, token).ConfigureAwait(false);
            if (bytes is null)
            {
                return null;
            }

            var decoded = pipeline.Decode(bytes, original, token);
            held.Add(source, record, decoded);
            return decoded;
        }, limits.Value.RenderTimeout, cancellationToken).ConfigureAwait(false);
        return loaded is null ? null : RenderFrom(loaded);

        // "fetch" ends when the pixels are at hand, before the render.
        (RenderedImage, TimeSpan) RenderFrom(DecodedIntermediate pixels)
        {
            var fetched = clock.Elapsed;
            return (pipeline.Render(pixels, spec, cancellationToken), fetched);
        }
    }

    /// <returns>The stored intermediate's bytes, or null when it has gone (the original is rendered from instead).</returns>
    private async Task<MemoryStream?> ReadStoredAsync(SourceKey source, OutputFormat format, CancellationToken cancellationToken)
    {
        await using var stored = await stores.Destination.GetAsync(KeyFor(source, format), cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }

        var bytes = await Originals.ReadAllAsync(stored, stores.Destination.Name, cancellationToken).ConfigureAwait(false);
        metrics.IntermediateRead(bytes.Length);
        return bytes;
    }

    /// <summary>Whether <paramref name="spec"/> can be cut from these pixels without enlarging them.</summary>
    public bool Fits(RenditionSpec spec, DecodedIntermediate pixels) =>
        pipeline.CanRenderFromIntermediate(spec, pixels.Original, new Dimensions(pixels.Width, pixels.Height));

    /// <summary>
    /// Runs <paramref name="make"/> (decode the original, make a rendition and the intermediate, store
    /// them) once per version of an original, however many first sizes arrive at once: a page's
    /// <c>srcset</c> asks for several together, and each would otherwise decode the multi-megapixel
    /// original and make an intermediate of its own.
    /// </summary>
    /// <returns>What was made, and whether this caller's <paramref name="make"/> made it (its rendition is the caller's).</returns>
    public async Task<(RenditionWithIntermediate Made, bool Mine)> MakeOnceAsync(SourceKey source, ObjectInfo head, Func<CancellationToken, Task<RenditionWithIntermediate>> make, CancellationToken cancellationToken)
    {
        var mine = false;
        var made = await _making.RunAsync(
            source.Value + "\n" + head.ETag,
            token =>
            {
                mine = true;
                return make(token);
            },
            limits.Value.RenderTimeout,
            cancellationToken).ConfigureAwait(false);
        return (made, mine);
    }

    /// <summary>Stores what <see cref="ImagePipeline.RenderWithIntermediate"/> made beside the rendition, and records it.</summary>
    /// <param name="focalPoint">The record's focal point as it was: only the event handler moves it on, after deleting what the old one cut.</param>
    /// <param name="watermark">The fingerprint the original's renditions carry, which its record keeps.</param>
    public async Task StoreAsync(SourceKey source, string version, RenditionWithIntermediate made, string? focalPoint, string? watermark, CancellationToken cancellationToken)
    {
        if (made.Intermediate is not { } image)
        {
            return;
        }

        using (var body = new MemoryStream(image.Content, writable: false))
        {
            await stores.Destination.PutAsync(KeyFor(source, image.Format), body, image.ContentType, PutMode.Overwrite, cancellationToken).ConfigureAwait(false);
        }

        var intermediate = new IntermediateRecord(image.Width, image.Height, made.Source.Width, made.Source.Height, image.Format.Name);
        var record = new SourceRecord(version, null, intermediate, SourceRecords.FactsOf(made.Source), focalPoint, watermark);
        await records.WriteAsync(source, record, cancellationToken).ConfigureAwait(false);
        if (Keeps && made.Decoded is { } decoded)
        {
            held.Add(source, record, decoded);
        }

        LogIntermediate(logger, source.Value, image.Width, image.Height, image.Format.Name, image.Content.Length, made.Rendition.Timings.Intermediate.TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Intermediate of {Key} made with its first new size: {Width}x{Height} {Format}, {Bytes} bytes, {IntermediateMs:0.0} ms")]
    private static partial void LogIntermediate(ILogger logger, string key, int width, int height, string format, int bytes, double intermediateMs);
}
