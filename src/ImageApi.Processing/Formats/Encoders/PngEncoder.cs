using NetVips;

namespace ImageApi.Processing.Formats.Encoders;

/// <summary>8-bit PNG, zlib level 6 without adaptive filtering (sharp's defaults): RGB, or RGBA when the image has alpha.</summary>
internal sealed class PngEncoder : IImageEncoder
{
    public byte[] Encode(Image image, int? quality, EncoderSettings settings) =>
        image.PngsaveBuffer(compression: 6, filter: Enums.ForeignPngFilter.None, bitdepth: 8, keep: Enums.ForeignKeep.None);
}
