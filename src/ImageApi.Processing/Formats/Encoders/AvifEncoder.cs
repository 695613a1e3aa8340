using NetVips;

namespace ImageApi.Processing.Formats.Encoders;

/// <summary>AVIF: AV1 (libaom) in a HEIF container, 8 bits, 4:2:0 chroma like the WebP and JPEG outputs.</summary>
internal sealed class AvifEncoder : IImageEncoder
{
    public byte[] Encode(Image image, int? quality, EncoderSettings settings) =>
        image.HeifsaveBuffer(
            q: quality ?? 55,
            bitdepth: 8,
            compression: Enums.ForeignHeifCompression.Av1,
            effort: settings.AvifEffort,
            subsampleMode: Enums.ForeignSubsample.Auto,
            keep: Enums.ForeignKeep.None);
}
