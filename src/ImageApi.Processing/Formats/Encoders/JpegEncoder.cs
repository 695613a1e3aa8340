using NetVips;

namespace ImageApi.Processing.Formats.Encoders;

/// <summary>Baseline JPEG, 4:2:0, with Huffman tables optimised for the image (as sharp writes it by default).</summary>
internal sealed class JpegEncoder : IImageEncoder
{
    public byte[] Encode(Image image, int? quality, EncoderSettings settings) =>
        image.JpegsaveBuffer(q: quality ?? 80, optimizeCoding: true, subsampleMode: Enums.ForeignSubsample.Auto, keep: Enums.ForeignKeep.None);
}
