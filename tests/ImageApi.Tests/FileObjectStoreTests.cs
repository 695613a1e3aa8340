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
}
