using ImageApi.Storage;

namespace ImageApi.Tests;

/// <summary>The folder store on its own: small objects are read whole, large ones streamed, both exactly.</summary>
public sealed class FileObjectStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imageapi-store-").FullName;
    private readonly FileObjectStore _store;

    public FileObjectStoreTests() => _store = new FileObjectStore("test", Path.Combine(_root, "data"), Path.Combine(_root, "staging"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(1)]
    [InlineData(22_000)] // a typical rendition: read in one go
    [InlineData(80 * 1024)] // the largest read whole
    [InlineData((80 * 1024) + 1)] // streamed
    [InlineData(3_000_000)]
    public async Task Objects_come_back_byte_for_byte_with_their_length(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        var put = await _store.PutAsync("processed/a/b.webp", new MemoryStream(bytes), "image/webp", PutMode.CreateOnly, default);

        await using var stored = await _store.GetAsync("processed/a/b.webp", default);
        using var copy = new MemoryStream();
        await stored!.Content.CopyToAsync(copy);

        Assert.Equal(bytes, copy.ToArray());
        Assert.Equal(size, stored.Info.Length);
        Assert.Equal(put.ETag, stored.Info.ETag);
    }

    [Fact]
    public async Task A_key_that_names_a_folder_or_nothing_is_no_object()
    {
        await _store.PutAsync("processed/a/b.webp", new MemoryStream([1, 2, 3]), "image/webp", PutMode.CreateOnly, default);
        Assert.Null(await _store.GetAsync("processed/a", default));
        Assert.Null(await _store.GetAsync("processed/a/c.webp", default));
    }

    [Fact]
    public async Task Metadata_another_process_gives_an_object_is_read_once_it_looks_again()
    {
        // Two stores on one root stand for two processes: this one has seen no metadata folder yet.
        var other = new FileObjectStore("test", Path.Combine(_root, "data"), Path.Combine(_root, "staging"));
        await _store.PutAsync("uploads/a.jpg", new MemoryStream([1, 2, 3]), "image/jpeg", PutMode.Overwrite, default);
        Assert.Empty((await _store.HeadAsync("uploads/a.jpg", default))!.Metadata);

        await other.ReplaceMetadataAsync("uploads/a.jpg", new Dictionary<string, string> { ["focal-point"] = "0.5,0.5" }, default);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await _store.HeadAsync("uploads/a.jpg", default))!.Metadata.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal("0.5,0.5", (await _store.HeadAsync("uploads/a.jpg", default))!.Metadata["focal-point"]);
        await using var stored = await _store.GetAsync("uploads/a.jpg", default);
        Assert.Equal("0.5,0.5", stored!.Info.Metadata["focal-point"]);
    }
}
