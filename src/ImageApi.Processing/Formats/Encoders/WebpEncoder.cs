using NetVips;

namespace ImageApi.Processing.Formats.Encoders;

/// <summary>Lossy WebP through libwebp. Alpha, when present, is kept losslessly.</summary>
internal sealed class WebpEncoder : IImageEncoder
{
    public byte[] Encode(Image image, int? quality, EncoderSettings settings) =>
        image.WebpsaveBuffer(q: quality ?? 80, effort: settings.WebpEffort, smartSubsample: false, keep: Enums.ForeignKeep.None);
}
