using ImageApi.Processing.Formats;
using ImageApi.Processing.Naming;
using ImageApi.Processing.Pipeline;
using ImageApi.Processing.Transforms;
using ImageApi.Storage;

namespace ImageApi.Images;

/// <summary>
/// The intermediate policy: an original's first new size also leaves a smaller high-quality copy
/// behind (from the same decode), and later sizes that fit inside it are cut from it instead of the
/// multi-megapixel original. The default rendition never makes one, so an original only ever shown at
/// its default size costs one decode.
/// </summary>
public sealed partial class Intermediates(ObjectStores stores, SourceRecords records, ImagePipeline pipeline, ILogger<Intermediates> logger)
{
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

    /// <summary>Stores what <see cref="ImagePipeline.RenderWithIntermediate"/> made beside the rendition, and records it.</summary>
    /// <param name="watermark">The fingerprint the original's renditions carry, which its record keeps.</param>
    public async Task StoreAsync(SourceKey source, string version, RenditionWithIntermediate made, string? watermark, CancellationToken cancellationToken)
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
        await records.WriteAsync(source, new SourceRecord(version, null, intermediate, SourceRecords.FactsOf(made.Source), watermark), cancellationToken).ConfigureAwait(false);
        LogIntermediate(logger, source.Value, image.Width, image.Height, image.Format.Name, image.Content.Length, made.Rendition.Timings.Intermediate.TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Intermediate of {Key} made with its first new size: {Width}x{Height} {Format}, {Bytes} bytes, {IntermediateMs:0.0} ms")]
    private static partial void LogIntermediate(ILogger logger, string key, int width, int height, string format, int bytes, double intermediateMs);
}
