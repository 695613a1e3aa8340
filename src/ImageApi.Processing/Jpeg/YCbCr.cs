using SixLabors.ImageSharp.PixelFormats;

namespace ImageApi.Processing.Jpeg;

/// <summary>JFIF's YCbCr → RGB, in 16-bit fixed point from tables as libjpeg does it.</summary>
internal static class YCbCr
{
    private const int Shift = 16;
    private const int Half = 1 << (Shift - 1);
    private static readonly int[] CrToR = Table(1.40200);
    private static readonly int[] CbToB = Table(1.77200);
    private static readonly int[] CrToG = Table(-0.71414);
    private static readonly int[] CbToG = Table(-0.34414);

    public static void ToRgb(ReadOnlySpan<byte> luma, ReadOnlySpan<byte> blue, ReadOnlySpan<byte> red, Span<Rgb24> pixels)
    {
        for (var x = 0; x < pixels.Length; x++)
        {
            int y = luma[x], cb = blue[x], cr = red[x];
            pixels[x] = new Rgb24(
                Clamp(y + ((CrToR[cr] + Half) >> Shift)),
                Clamp(y + ((CbToG[cb] + CrToG[cr] + Half) >> Shift)),
                Clamp(y + ((CbToB[cb] + Half) >> Shift)));
        }
    }

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 0, 255);

    private static int[] Table(double factor)
    {
        var table = new int[256];
        for (var i = 0; i < 256; i++)
        {
            table[i] = (int)Math.Round(factor * (i - 128) * (1 << Shift));
        }

        return table;
    }
}
