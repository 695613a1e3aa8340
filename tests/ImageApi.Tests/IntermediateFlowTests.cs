using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests;

/// <summary>
/// Through the service: an upload makes only the default rendition; the first new size also makes the
/// intermediate, and later sizes are cut from it without reading the original.
/// </summary>
public sealed class IntermediateFlowTests : IDisposable
{
    private readonly ImageApiFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task New_sizes_are_cut_from_the_intermediate_without_reading_the_original()
    {
        var client = _factory.CreateClient();
        var original = ImageApi.Processing.Tests.IntermediateTests.LargePhoto();
        var ticket = await client.RequestUploadAsync("large.jpg", "image/jpeg", original.Length);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.SendUploadAsync(ticket, original)).StatusCode);
        var folder = Path.Combine(_factory.DestinationRoot, "processed", ticket.Key);
        await ApiClient.WaitForFileAsync(folder, "_source.json", TimeSpan.FromSeconds(30));
        Assert.True(File.Exists(Path.Combine(folder, "w800-h800-inside-q80.webp")));
        Assert.False(File.Exists(Path.Combine(folder, "_intermediate.jpg")));
        Assert.Equal(original.Length, _factory.OriginalBytesRead);

        // The first new size reads the original once more and leaves the intermediate behind.
        var (made, _, w400) = await client.GetImageAsync(ticket.Image("w=400&format=jpeg"));
        Assert.Equal((400, 250), (w400.Width, w400.Height));
        Assert.Contains("intermediate;dur=", made.Headers.GetValues("Server-Timing").Single(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "_intermediate.jpg")));
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
        Assert.Equal(2000, big.Width);
        Assert.Equal(read + original.Length, _factory.OriginalBytesRead);

        // The service's own files are not renditions, and go with the original's renditions.
        Assert.DoesNotContain(Directory.GetFiles(folder), f => Path.GetFileName(f).StartsWith('_') && f.EndsWith(".webp", StringComparison.Ordinal));
    }
}
