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
/// its default size costs one decode.
/// </summary>
public sealed partial class Intermediates(ObjectStores stores, SourceRecords records, ImagePipeline pipeline, IOptions<ServiceLimitsOptions> limits, ILogger<Intermediates> logger)
{
    /// <summary>One decode of an original's version at a time, to make its intermediate.</summary>
    private readonly SingleFlight<RenditionWithIntermediate> _making = new();

    /// <summary>The intermediate's name: a service file beside the renditions, never served.</summary>
    public static string KeyFor(SourceKey source, OutputFormat format) => RenditionKey.PrefixFor(source) + "_intermediate." + format.Extension;

    /// <summary>The intermediate to render <paramref name="spec"/> from, when one of this version was made and the rendition fits inside it.</summary>
    /// <returns>Its bytes and the original's (oriented) size, or null: render from the original.</returns>
    public async Task<(MemoryStream Bytes, Dimensions Original)?> TryReadAsync(SourceKey source, RenditionSpec spec, SourceRecord? record, ObjectInfo head, CancellationToken cancellationToken)
    {
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

        await using var stored = await stores.Destination.GetAsync(KeyFor(source, format), cancellationToken).ConfigureAwait(false);
        return stored is null ? null : (await Originals.ReadAllAsync(stored, cancellationToken).ConfigureAwait(false), original);
    }

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
        await records.WriteAsync(source, new SourceRecord(version, null, intermediate, SourceRecords.FactsOf(made.Source), focalPoint, watermark), cancellationToken).ConfigureAwait(false);
        LogIntermediate(logger, source.Value, image.Width, image.Height, image.Format.Name, image.Content.Length, made.Rendition.Timings.Intermediate.TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Intermediate of {Key} made with its first new size: {Width}x{Height} {Format}, {Bytes} bytes, {IntermediateMs:0.0} ms")]
    private static partial void LogIntermediate(ILogger logger, string key, int width, int height, string format, int bytes, double intermediateMs);
}
