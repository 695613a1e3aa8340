using System.Globalization;

namespace ImageApi.Processing.Transforms;

/// <summary>An 8-bit sRGB colour with alpha (255: opaque), the <c>bg</c> parameter's value.</summary>
public readonly record struct Rgba(byte R, byte G, byte B, byte A = 255)
{
    public static Rgba White => new(255, 255, 255);

    public static Rgba Transparent => new(0, 0, 0, 0);

    public Rgba Opaque => this with { A = 255 };

    /// <summary>Six hex digits, or eight when not opaque: the one spelling of a colour.</summary>
    public string ToHex() => A == 255
        ? string.Create(CultureInfo.InvariantCulture, $"{R:x2}{G:x2}{B:x2}")
        : string.Create(CultureInfo.InvariantCulture, $"{R:x2}{G:x2}{B:x2}{A:x2}");

    /// <summary>The bands libvips takes as a background: three, or four with alpha.</summary>
    public double[] Bands(bool withAlpha) => withAlpha ? [R, G, B, A] : [R, G, B];

    /// <summary>Reads <c>rrggbb</c> or <c>rrggbbaa</c>, hex digits in either case; nothing else (no '#', no shorthand).</summary>
    public static bool TryParse(string text, out Rgba value)
    {
        value = default;
        if (text.Length is not (6 or 8) || !text.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        byte At(int i) => byte.Parse(text.AsSpan(i, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        value = new Rgba(At(0), At(2), At(4), text.Length == 8 ? At(6) : (byte)255);
        return true;
    }
}
