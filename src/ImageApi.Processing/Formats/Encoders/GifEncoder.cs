using NetVips;

namespace ImageApi.Processing.Formats.Encoders;

/// <summary>A still GIF: libimagequant picks the palette; transparency becomes GIF's one transparent index.</summary>
internal sealed class GifEncoder : IImageEncoder
{
    public byte[] Encode(Image image, int? quality, EncoderSettings settings) =>
        image.GifsaveBuffer(keep: Enums.ForeignKeep.None);
}
