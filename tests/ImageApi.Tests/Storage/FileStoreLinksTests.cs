using System.Net;
using ImageApi.Processing.Naming;
using ImageApi.Storage;
using ImageApi.Tests.Http;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Storage;

/// <summary>The folder store never follows a symbolic link out of its root.</summary>
public sealed class FileStoreLinksTests : IDisposable
{
    private readonly string _outside = Directory.CreateTempSubdirectory("imageapi-outside-").FullName;
    private readonly ImageApiFactory _factory = new(new Dictionary<string, string?> { ["RateLimits:RenditionsPerMinute"] = "0" });

    public void Dispose()
    {
        _factory.Dispose();
        Directory.Delete(_outside, recursive: true);
    }

    [Fact]
    public async Task A_linked_file_outside_the_root_is_not_served()
    {
        var secret = Path.Combine(_outside, "secret.jpg");
        File.WriteAllBytes(secret, TestImages.Bytes("photo-cups.jpg"));
        var link = Path.Combine(_factory.SourceRoot, "uploads", "l", "link.jpg");
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        File.CreateSymbolicLink(link, secret);

        var response = await _factory.CreateClient().GetAsync("/images/uploads/l/link.jpg?w=100");
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{(int)response.StatusCode}");
        await response.ReadProblemAsync(response.StatusCode);
    }

    [Fact]
    public async Task A_linked_folder_outside_the_root_is_not_followed()
    {
        File.WriteAllBytes(Path.Combine(_outside, "photo.jpg"), TestImages.Bytes("photo-cups.jpg"));
        Directory.CreateDirectory(Path.Combine(_factory.SourceRoot, "uploads"));
        Directory.CreateSymbolicLink(Path.Combine(_factory.SourceRoot, "uploads", "d"), _outside);

        var response = await _factory.CreateClient().GetAsync("/images/uploads/d/photo.jpg");
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{(int)response.StatusCode}");
    }

    [Fact]
    public async Task Writes_through_a_linked_folder_outside_the_root_are_refused()
    {
        var root = Directory.CreateTempSubdirectory("imageapi-store-").FullName;
        try
        {
            var store = new FileObjectStore("source", Path.Combine(root, "source"), Path.Combine(root, "staging"));
            Directory.CreateSymbolicLink(Path.Combine(root, "source", "out"), _outside);
            using var body = new MemoryStream([1, 2, 3]);
            await Assert.ThrowsAsync<InvalidKeyException>(() => store.PutAsync("out/planted.jpg", body, "image/jpeg", PutMode.Overwrite, CancellationToken.None));
            Assert.False(File.Exists(Path.Combine(_outside, "planted.jpg")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_link_inside_the_root_still_works()
    {
        var root = Directory.CreateTempSubdirectory("imageapi-store-").FullName;
        try
        {
            var store = new FileObjectStore("source", Path.Combine(root, "source"), Path.Combine(root, "staging"));
            using (var body = new MemoryStream([1, 2, 3]))
            {
                await store.PutAsync("a/real.jpg", body, "image/jpeg", PutMode.Overwrite, CancellationToken.None);
            }

            Directory.CreateSymbolicLink(Path.Combine(root, "source", "b"), Path.Combine(root, "source", "a"));
            Assert.NotNull(await store.HeadAsync("b/real.jpg", CancellationToken.None));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Reads_through_a_linked_folder_or_file_outside_the_root_are_refused()
    {
        var root = Directory.CreateTempSubdirectory("imageapi-store-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(_outside, "secret.jpg"), [1, 2, 3]);
            var store = new FileObjectStore("source", Path.Combine(root, "source"), Path.Combine(root, "staging"));
            Directory.CreateSymbolicLink(Path.Combine(root, "source", "out"), _outside);
            File.CreateSymbolicLink(Path.Combine(root, "source", "secret.jpg"), Path.Combine(_outside, "secret.jpg"));
            await Assert.ThrowsAsync<InvalidKeyException>(() => store.GetAsync("out/secret.jpg", CancellationToken.None));
            await Assert.ThrowsAsync<InvalidKeyException>(() => store.GetAsync("secret.jpg", CancellationToken.None));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Reads_through_links_inside_the_root_and_under_a_linked_root_work()
    {
        // The root's own path goes through a link (as /tmp or a mounted volume may): what it holds is inside.
        var real = Directory.CreateTempSubdirectory("imageapi-store-").FullName;
        var linked = real + "-link";
        Directory.CreateSymbolicLink(linked, real);
        try
        {
            var store = new FileObjectStore("source", Path.Combine(linked, "source"), Path.Combine(linked, "staging"));
            using (var body = new MemoryStream([1, 2, 3]))
            {
                await store.PutAsync("a/real.jpg", body, "image/jpeg", PutMode.Overwrite, CancellationToken.None);
            }

            Directory.CreateSymbolicLink(Path.Combine(linked, "source", "b"), Path.Combine(linked, "source", "a"));
            File.CreateSymbolicLink(Path.Combine(real, "source", "a", "alias.jpg"), Path.Combine(real, "source", "a", "real.jpg"));
            foreach (var key in new[] { "a/real.jpg", "b/real.jpg", "a/alias.jpg" })
            {
                await using var stored = await store.GetAsync(key, CancellationToken.None);
                Assert.NotNull(stored);
                Assert.Equal(3, stored.Info.Length);
            }
        }
        finally
        {
            Directory.Delete(linked);
            Directory.Delete(real, recursive: true);
        }
    }
}
