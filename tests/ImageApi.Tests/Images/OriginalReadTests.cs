using ImageApi.Images;
using ImageApi.Storage;

namespace ImageApi.Tests.Images;

/// <summary>
/// A stored object's bytes are read whole or not at all: a body that disagrees with the length read with
/// it (the object changed mid-read, or the store is damaged) is a storage failure, never a short image.
/// </summary>
public sealed class OriginalReadTests
{
    private static StoredObject Stored(long length, byte[] body) =>
        new(new ObjectInfo("uploads/read/photo.jpg", length, "etag", "image/jpeg", DateTimeOffset.UnixEpoch), new MemoryStream(body));

    [Fact]
    public async Task A_body_of_the_stated_length_is_read_whole()
    {
        byte[] body = [1, 2, 3, 4, 5];

        using var read = await Originals.ReadAllAsync(Stored(5, body), "source", CancellationToken.None);

        Assert.Equal(body, read.ToArray());
    }

    [Theory]
    [InlineData(8, "ended after 5 of the 8 bytes")]
    [InlineData(3, "holds more than the 3 bytes")]
    public async Task A_body_shorter_or_longer_than_stated_is_a_storage_failure_that_names_the_store_and_key(long stated, string expected)
    {
        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(() => Originals.ReadAllAsync(Stored(stated, [1, 2, 3, 4, 5]), "source", CancellationToken.None));

        Assert.Equal("source", failure.Store);
        Assert.Contains("uploads/read/photo.jpg", failure.Message, StringComparison.Ordinal);
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }
}
