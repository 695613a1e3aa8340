using ImageApi.Processing.Limits;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;

namespace ImageApi.Processing.Pipeline;

/// <summary>The ImageSharp configurations the service uses; nothing else in the service touches <c>Configuration.Default</c>.</summary>
internal static class ImageSharpConfigurations
{
    public static IReadOnlyCollection<string> AcceptedFormats { get; } = ["JPEG", "PNG", "WebP", "GIF"];

    /// <summary>
    /// Only the accepted formats are registered, so BMP, TGA, TIFF and PBM are never decoded: ImageSharp
    /// 2.1.13's BMP decoder allocates ~2 GB for a crafted 35-byte file. GIFs decode their first frame only.
    /// </summary>
    public static Configuration CreateDecoding(ProcessingLimits limits)
    {
        var configuration = new Configuration(
            new JpegConfigurationModule(),
            new PngConfigurationModule(),
            new WebpConfigurationModule(),
            new GifConfigurationModule())
        {
            MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions
            {
                AllocationLimitMegabytes = limits.MaxAllocationMegabytes,
            }),
        };

        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder
        {
            DecodingMode = FrameDecodingMode.First,
            MaxFrames = (uint)limits.MaxGifFrames,
        });
        return configuration;
    }

    /// <summary>
    /// Every format ImageSharp knows, used only to <em>name</em> a refused format from its header
    /// ("the original is BMP"); its decoders are never called.
    /// </summary>
    public static Configuration Naming { get; } = Configuration.Default;
}
