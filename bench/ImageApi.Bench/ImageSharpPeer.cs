using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Processing;

/// <summary>
/// The peer "ImageSharp as it comes": SixLabors.ImageSharp 2.1.13 (the engine the service had before
/// libvips) with its own decoders, its default resampler (bicubic) and parallelism, every scenario
/// from the original: auto-orient, resize, encode (WebP lossy method 4, JPEG 4:2:0), metadata dropped.
/// </summary>
internal static class ImageSharpPeer
{
    public static string Version =>
        (System.Reflection.CustomAttributeExtensions.GetCustomAttribute<System.Reflection.AssemblyInformationalVersionAttribute>(typeof(Image).Assembly)?.InformationalVersion ?? "?").Split('+')[0];

    public static Func<byte[], byte[]> For(string scenario) => scenario switch
    {
        "default" => bytes => Render(bytes, new Size(800, 800), ResizeMode.Max, Webp),
        "first-size" or "w400-jpeg" => bytes => Render(bytes, new Size(400, 0), ResizeMode.Max, Jpeg),
        "w1200-webp" => bytes => Render(bytes, new Size(1200, 0), ResizeMode.Max, Webp),
        "cover300" => bytes => Render(bytes, new Size(300, 300), ResizeMode.Crop, Webp),
        _ => throw new ArgumentException($"unknown scenario {scenario}"),
    };

    private static readonly WebpEncoder Webp = new() { FileFormat = WebpFileFormatType.Lossy, Quality = 80, Method = WebpEncodingMethod.Level4 };

    private static readonly JpegEncoder Jpeg = new() { Quality = 80, ColorType = JpegColorType.YCbCrRatio420 };

    private static byte[] Render(byte[] bytes, Size box, ResizeMode mode, SixLabors.ImageSharp.Formats.IImageEncoder encoder)
    {
        using var image = Image.Load(bytes);
        image.Mutate(c => c.AutoOrient().Resize(new ResizeOptions { Size = Bounded(box, image.Size(), mode), Mode = mode }));
        image.Metadata.ExifProfile = null;
        image.Metadata.IccProfile = null;
        image.Metadata.XmpProfile = null;
        using var output = new MemoryStream();
        image.Save(output, encoder);
        return output.ToArray();
    }

    // Never enlarge (as the service and sharp's withoutEnlargement): a width-only box larger than the image keeps its size.
    private static Size Bounded(Size box, Size image, ResizeMode mode) =>
        mode == ResizeMode.Max && box.Height == 0 && box.Width > image.Width ? new Size(image.Width, 0) : box;
}
