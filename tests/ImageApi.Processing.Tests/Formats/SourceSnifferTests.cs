using System.Text;

namespace ImageApi.Processing.Tests.Formats;

public class SourceSnifferTests
{
    [Theory]
    [InlineData("photo-cups.jpg", SourceFormat.Jpeg)]
    [InlineData("alpha.png", SourceFormat.Png)]
    [InlineData("wood.webp", SourceFormat.Webp)]
    [InlineData("animated.gif", SourceFormat.Gif)]
    public void The_four_accepted_formats_are_known_by_their_magic_bytes(string name, SourceFormat expected)
    {
        Assert.Equal(expected, SourceSniffer.Sniff(TestImages.Bytes(name), out var refused));
        Assert.Null(refused);
    }

    public static TheoryData<string, byte[]> Refused() => new()
    {
        { "TIFF", TestImages.Bytes("photo.tiff") },
        { "BMP", TestImages.Bytes("photo.bmp") },
        { "SVG", TestImages.Bytes("vector.svg") },
        { "SVG", Encoding.ASCII.GetBytes("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>") },
        { "PDF", Encoding.ASCII.GetBytes("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj") },
        { "HEIF", [0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'h', (byte)'e', (byte)'i', (byte)'c', 0, 0, 0, 0] },
        { "AVIF", [0, 0, 0, 0x1C, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'a', (byte)'v', (byte)'i', (byte)'f', 0, 0, 0, 0] },
        { "VIPS", [0x08, 0xF2, 0xA6, 0xB6, 0, 0, 0, 0, 1, 0, 0, 0] },
        { "PSD", Encoding.ASCII.GetBytes("8BPS\0\u0001") },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Other_formats_are_named_so_the_refusal_can_say_what_was_sent(string expected, byte[] bytes)
    {
        Assert.Null(SourceSniffer.Sniff(bytes, out var refused));
        Assert.Equal(expected, refused);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0xFF, 0xD8 })]
    [InlineData(new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F', 0, 0, 0, 0, (byte)'A', (byte)'V', (byte)'I', (byte)' ' })]
    public void Short_or_unknown_bytes_are_not_an_image(byte[] bytes)
    {
        Assert.Null(SourceSniffer.Sniff(bytes, out var refused));
        Assert.Null(refused);
    }
}
