using Amazon.S3.Model;
using ImageApi.Configuration;
using ImageApi.Storage;
using ImageApi.Tests.Infrastructure;

namespace ImageApi.Tests.Storage;

/// <summary>The S3 client the service makes from its options, against moto.</summary>
[Collection(S3Collection.Name)]
public sealed class S3ClientTests(S3Fixture fixture)
{
    [Fact]
    public async Task It_resolves_endpoints_once_and_every_read_and_write_after_the_first_still_reaches_the_right_object()
    {
        var environment = await fixture.CreateEnvironmentAsync();
        var options = new S3StorageOptions { SourceBucket = environment.SourceBucket, DestinationBucket = environment.DestinationBucket, ServiceUrl = fixture.Moto.Url.ToString(), ForcePathStyle = true };
        using var client = StorageServices.CreateS3Client(options);
        Assert.IsType<CachedEndpointProvider>(client.Config.EndpointProvider);
        var store = new S3ObjectStore("destination", client, environment.DestinationBucket);

        for (var i = 0; i < 3; i++)
        {
            var key = $"uploads/a b/photo{i}.jpg/w400.webp";
            await store.PutAsync(key, new MemoryStream([1, 2, (byte)i]), "image/webp", PutMode.CreateOnly, default);
            await using var read = await store.GetAsync(key, default);
            Assert.NotNull(read);
            using var bytes = new MemoryStream();
            await read.Content.CopyToAsync(bytes);
            Assert.Equal([1, 2, (byte)i], bytes.ToArray());
            Assert.Equal(3, (await store.HeadAsync(key, default))?.Length);
        }

        Assert.Null(await store.GetAsync("uploads/missing.jpg/w400.webp", default));
        var listed = await fixture.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = environment.DestinationBucket });
        Assert.Equal(3, listed.S3Objects.Count);
    }
}
