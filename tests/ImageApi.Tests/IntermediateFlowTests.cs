using ImageApi.Images;
using ImageApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ImageApi.Tests;

/// <summary>
/// Through the service: an upload makes only the default rendition; the first new size also makes the
/// intermediate (JPEG for opaque originals, WebP with alpha for transparent ones), and later sizes are
/// cut from it without reading the original.
/// </summary>
public sealed class IntermediateFlowTests : IDisposable
{
    private readonly ImageApiFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task New_sizes_are_cut_from_the_intermediate_without_reading_the_original()
    {
        var client = _factory.CreateClient();
        var original = GeneratedImages.LargePhoto(2560, 1600);
        var ticket = await client.UploadBytesAsync("large.jpg", "image/jpeg", original);
        var folder = Path.Combine(_factory.DestinationRoot, "processed", ticket.Key);
        await ApiClient.WaitForFileAsync(folder, "_source.json", TimeSpan.FromSeconds(30));
        Assert.True(File.Exists(Path.Combine(folder, "w800-h800-inside-q80.webp")));
        Assert.Empty(Directory.GetFiles(folder, "_intermediate.*"));
        Assert.Equal(original.Length, _factory.OriginalBytesRead);

        // The first new size reads the original once more and leaves the intermediate behind.
        var (made, _, w400) = await client.GetImageAsync(ticket.Image("w=400&format=jpeg"));
        Assert.Equal((400, 250), (w400.Width, w400.Height));
        Assert.Contains("intermediate;dur=", made.Headers.GetValues("Server-Timing").Single(), StringComparison.Ordinal);
        var intermediate = Decoded.From(await File.ReadAllBytesAsync(Path.Combine(folder, "_intermediate.jpg")));
        Assert.Equal(("jpeg", 1600, 1000, false), (intermediate.Format, intermediate.Width, intermediate.Height, intermediate.HasAlpha));
        Assert.False(File.Exists(Path.Combine(folder, "_intermediate.webp")));
        var read = _factory.OriginalBytesRead;
        Assert.Equal(2L * original.Length, read);

        // Every later size that fits is cut from it.
        var (cut, _, cover) = await client.GetImageAsync(ticket.Image("w=300&h=300&fit=cover"));
        Assert.DoesNotContain("intermediate", cut.Headers.GetValues("Server-Timing").Single(), StringComparison.Ordinal);
        var (_, _, w1200) = await client.GetImageAsync(ticket.Image("w=1200&format=webp"));
        Assert.Equal((300, 300), (cover.Width, cover.Height));
        Assert.Equal((1200, 750), (w1200.Width, w1200.Height));
        Assert.Equal(read, _factory.OriginalBytesRead);

        // Larger than the intermediate: from the original.
        var (_, _, big) = await client.GetImageAsync(ticket.Image("w=2000"));
        Assert.Equal((2000, 1250), (big.Width, big.Height));
        Assert.Equal(read + original.Length, _factory.OriginalBytesRead);

        // Larger than the original: never enlarged (Renditions:AllowEnlargement is off), and the box
        // keeps its shape at the largest size the original allows.
        var (_, _, huge) = await client.GetImageAsync(ticket.Image("w=4000"));
        Assert.Equal((2560, 1600), (huge.Width, huge.Height));
        var (_, _, square) = await client.GetImageAsync(ticket.Image("w=3200&h=3200&fit=cover&format=jpeg"));
        Assert.Equal((1600, 1600), (square.Width, square.Height));

        // The service's own files are not renditions, and go with the original's renditions.
        Assert.DoesNotContain(Directory.GetFiles(folder), f => Path.GetFileName(f).StartsWith('_') && f.EndsWith(".webp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task First_sizes_that_arrive_together_share_one_decode_of_the_original_and_one_intermediate()
    {
        var client = _factory.CreateClient();
        var original = GeneratedImages.LargePhoto(3200, 2000);
        var ticket = await client.UploadBytesAsync("large.jpg", "image/jpeg", original);
        await ApiClient.WaitForFileAsync(Path.Combine(_factory.DestinationRoot, "processed", ticket.Key), "_source.json", TimeSpan.FromSeconds(30));
        var read = _factory.OriginalBytesRead;

        // A page's srcset: its widths are asked for at once, none made before.
        int[] widths = [320, 640, 960, 1280];
        var responses = await Task.WhenAll(widths.Select(w => client.GetImageAsync(ticket.Image($"w={w}&format=webp"))));
        Assert.Equal(widths.Select(w => (w, w * 2000 / 3200)), responses.Select(r => (r.Info.Width, r.Info.Height)));
        Assert.Equal(read + original.Length, _factory.OriginalBytesRead);
        Assert.Single(_factory.Logs, line => line.Contains("Intermediate of", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_transparent_original_gets_a_webp_intermediate_that_keeps_its_alpha()
    {
        var client = _factory.CreateClient();
        var original = GeneratedImages.LargeTransparentPhoto(2560, 1600);
        var ticket = await client.UploadBytesAsync("large.png", "image/png", original);
        var folder = Path.Combine(_factory.DestinationRoot, "processed", ticket.Key);
        await ApiClient.WaitForFileAsync(folder, "_source.json", TimeSpan.FromSeconds(30));
        var read = _factory.OriginalBytesRead;

        var (made, _, first) = await client.GetImageAsync(ticket.Image("w=400&format=png"));
        Assert.Contains("intermediate;dur=", made.Headers.GetValues("Server-Timing").Single(), StringComparison.Ordinal);
        AssertTransparentCornersOpaqueCentre(first, (400, 250));
        Assert.False(File.Exists(Path.Combine(folder, "_intermediate.jpg")), "a JPEG intermediate would lose the alpha");
        var intermediate = Decoded.From(await File.ReadAllBytesAsync(Path.Combine(folder, "_intermediate.webp")));
        Assert.Equal("webp", intermediate.Format);
        AssertTransparentCornersOpaqueCentre(intermediate, (1600, 1000));
        Assert.Equal(read + original.Length, _factory.OriginalBytesRead);

        // Cut from the intermediate, the alpha is still there.
        var (cut, _, later) = await client.GetImageAsync(ticket.Image("w=640&format=webp"));
        Assert.DoesNotContain("intermediate", cut.Headers.GetValues("Server-Timing").Single(), StringComparison.Ordinal);
        AssertTransparentCornersOpaqueCentre(later, (640, 400));
        Assert.Equal(read + original.Length, _factory.OriginalBytesRead);
    }

    [Fact]
    public async Task Later_sizes_are_cut_from_the_pixels_held_in_memory_and_once_those_are_gone_from_the_stored_file()
    {
        var client = _factory.CreateClient();
        var ticket = await client.UploadBytesAsync("large.jpg", "image/jpeg", GeneratedImages.LargePhoto(2560, 1600));
        var folder = Path.Combine(_factory.DestinationRoot, "processed", ticket.Key);
        await ApiClient.WaitForFileAsync(folder, "_source.json", TimeSpan.FromSeconds(30));
        await client.GetImageAsync(ticket.Image("w=400&format=jpeg"));
        var read = _factory.OriginalBytesRead;

        var (_, _, cover) = await client.GetImageAsync(ticket.Image("w=300&h=300&fit=cover"));
        var (_, _, wide) = await client.GetImageAsync(ticket.Image("w=1200&format=webp"));
        Assert.Equal(((300, 300), (1200, 750)), ((cover.Width, cover.Height), (wide.Width, wide.Height)));
        Assert.Equal(2, _factory.Measured("imageapi.intermediates.cut_from_memory"));
        Assert.Equal(0, _factory.Measured("imageapi.intermediates.bytes_read"));

        // Evicted, or another instance: the stored intermediate is read and decoded once, then held again.
        _factory.Services.GetRequiredService<DecodedIntermediates>().Forget(Processing.Naming.SourceKey.Parse(ticket.Key));
        var stored = new FileInfo(Path.Combine(folder, "_intermediate.jpg")).Length;
        var (_, _, w500) = await client.GetImageAsync(ticket.Image("w=500&format=jpeg"));
        var (_, _, w600) = await client.GetImageAsync(ticket.Image("w=600&format=jpeg"));
        Assert.Equal(((500, 312), (600, 375)), ((w500.Width, w500.Height), (w600.Width, w600.Height)));
        Assert.Equal(stored, _factory.Measured("imageapi.intermediates.bytes_read"));
        Assert.Equal(3, _factory.Measured("imageapi.intermediates.cut_from_memory"));
        Assert.Equal(read, _factory.OriginalBytesRead);
    }

    [Fact]
    public async Task With_no_memory_for_intermediates_each_later_size_reads_the_stored_one()
    {
        using var factory = new ImageApiFactory(new Dictionary<string, string?> { ["Limits:IntermediateCacheMegabytes"] = "0" });
        var client = factory.CreateClient();
        var ticket = await client.UploadBytesAsync("large.jpg", "image/jpeg", GeneratedImages.LargePhoto(2560, 1600));
        var folder = Path.Combine(factory.DestinationRoot, "processed", ticket.Key);
        await ApiClient.WaitForFileAsync(folder, "_source.json", TimeSpan.FromSeconds(30));
        await client.GetImageAsync(ticket.Image("w=400&format=jpeg"));
        var stored = new FileInfo(Path.Combine(folder, "_intermediate.jpg")).Length;

        var (_, _, cover) = await client.GetImageAsync(ticket.Image("w=300&h=300&fit=cover"));
        var (_, _, wide) = await client.GetImageAsync(ticket.Image("w=1200&format=webp"));
        Assert.Equal(((300, 300), (1200, 750)), ((cover.Width, cover.Height), (wide.Width, wide.Height)));
        Assert.Equal(0, factory.Measured("imageapi.intermediates.cut_from_memory"));
        Assert.Equal(2 * stored, factory.Measured("imageapi.intermediates.bytes_read"));
    }

    private static void AssertTransparentCornersOpaqueCentre(Decoded image, (int Width, int Height) size)
    {
        Assert.Equal(size, (image.Width, image.Height));
        Assert.True(image.HasAlpha);
        Assert.Equal(0, image[0, 0].A);
        Assert.Equal(0, image[image.Width - 1, image.Height - 1].A);
        Assert.Equal(255, image[image.Width / 2, image.Height / 2].A);
    }
}
