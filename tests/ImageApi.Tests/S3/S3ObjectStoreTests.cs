using Amazon.Runtime;
using Amazon.S3;
using ImageApi.Storage;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.S3;

/// <summary>The S3 store's contract against moto's server: the same one the folder store keeps.</summary>
[Collection(S3Collection.Name)]
public sealed class S3ObjectStoreTests(S3Fixture fixture)
{
    private async Task<S3ObjectStore> CreateStoreAsync(Uri? endpoint = null, string? bucket = null)
    {
        var environment = await fixture.CreateEnvironmentAsync();
        var client = new AmazonS3Client(new BasicAWSCredentials("testing", "testing"), new AmazonS3Config
        {
            ServiceURL = (endpoint ?? fixture.Moto.Url).ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
            Timeout = TimeSpan.FromSeconds(3),
        });
        return new S3ObjectStore("destination", client, bucket ?? environment.DestinationBucket);
    }

    [Fact]
    public async Task Create_only_refuses_an_existing_key_and_keeps_the_first_bytes()
    {
        var store = await CreateStoreAsync();
        var first = await store.PutAsync("k/a", new MemoryStream([1, 2, 3]), "application/octet-stream", PutMode.CreateOnly, default);
        await Assert.ThrowsAsync<ObjectAlreadyExistsException>(() => store.PutAsync("k/a", new MemoryStream([9]), "application/octet-stream", PutMode.CreateOnly, default));

        await using var stored = await store.GetAsync("k/a", default);
        Assert.NotNull(stored);
        using var buffer = new MemoryStream();
        await stored.Content.CopyToAsync(buffer);
        Assert.Equal([1, 2, 3], buffer.ToArray());
        Assert.Equal(first.ETag, stored.Info.ETag);
        Assert.Equal(3, stored.Info.Length);
    }

    [Fact]
    public async Task Missing_objects_are_null_and_deleting_them_is_fine()
    {
        var store = await CreateStoreAsync();
        Assert.Null(await store.HeadAsync("nothing", default));
        Assert.Null(await store.GetAsync("nothing", default));
        await store.DeleteAsync("nothing", default);
    }

    [Fact]
    public async Task Listing_pages_through_every_key_under_a_prefix()
    {
        var store = await CreateStoreAsync();
        for (var i = 0; i < 1005; i++)
        {
            await store.PutAsync($"p/{i:D4}", new MemoryStream([1]), "application/octet-stream", PutMode.Overwrite, default);
        }

        await store.PutAsync("q/0", new MemoryStream([1]), "application/octet-stream", PutMode.Overwrite, default);
        var keys = await store.ListAsync("p/", default).ToListAsync();
        Assert.Equal(1005, keys.Count);
        Assert.DoesNotContain("q/0", keys);
    }

    [Fact]
    public async Task Unreachable_s3_is_storage_unavailable()
    {
        var store = await CreateStoreAsync(new Uri($"http://127.0.0.1:{MotoServer.FreePort()}/"));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.HeadAsync("a", default));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.GetAsync("a", default));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.PutAsync("a", new MemoryStream([1]), "x/y", PutMode.CreateOnly, default));
    }

    [Fact]
    public async Task A_get_returns_the_bytes_type_etag_and_user_metadata_as_stored_commas_included()
    {
        var store = await CreateStoreAsync();
        var metadata = new Dictionary<string, string> { ["focal-point"] = "0.3,0.7", ["watermark"] = "abc123" };
        var put = await store.PutAsync("m/a.webp", new MemoryStream([7, 8, 9]), "image/webp", PutMode.Overwrite, default, metadata);

        await using var stored = await store.GetAsync("m/a.webp", default);

        Assert.NotNull(stored);
        Assert.Equal(put.ETag, stored.Info.ETag);
        Assert.Equal("image/webp", stored.Info.ContentType);
        Assert.Equal(3, stored.Info.Length);
        Assert.Equal(metadata, stored.Info.Metadata);
        using var buffer = new MemoryStream();
        await stored.Content.CopyToAsync(buffer);
        Assert.Equal([7, 8, 9], buffer.ToArray());
    }

    [Fact]
    public async Task A_get_from_a_bucket_that_does_not_exist_is_storage_unavailable_not_a_missing_object()
    {
        // A bucket that does not exist: S3 answers 404 NoSuchBucket, which is a wrong setting, not a missing object.
        var wrong = await CreateStoreAsync(bucket: "no-such-bucket-here");

        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(() => wrong.GetAsync("a", default));

        Assert.Contains("NoSuchBucket", failure.Message, StringComparison.Ordinal);
    }
}
