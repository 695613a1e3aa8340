using ImageApi.Events;
using ImageApi.Processing.Naming;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageApi.Tests.Events;

public sealed class PendingEventsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "imageapi-pending-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void What_is_added_is_read_back_until_it_is_removed()
    {
        var journal = new PendingEvents(_folder, NullLogger<PendingEvents>.Instance);
        Assert.Empty(journal.ReadAll());
        var first = SourceEvent.Created(SourceKey.Parse("uploads/a/photo.jpg"), "etag-1");
        var second = SourceEvent.Created(SourceKey.Parse("uploads/b/ünïcode photo.jpg"), "etag-2");
        journal.Add(first);
        journal.Add(second);
        Assert.Equal([first, second], journal.ReadAll());

        journal.Remove(first);
        Assert.Equal([second], journal.ReadAll());
        journal.Remove(first); // twice: nothing to do
        Assert.Equal([second], journal.ReadAll());
    }

    [Fact]
    public void Each_version_of_an_original_has_its_own_entry()
    {
        var journal = new PendingEvents(_folder, NullLogger<PendingEvents>.Instance);
        var key = SourceKey.Parse("uploads/a/photo.jpg");
        var old = SourceEvent.Created(key, "etag-1");
        var replaced = SourceEvent.Created(key, "etag-2");
        journal.Add(old);
        journal.Add(replaced);
        journal.Add(replaced); // a repeat is one entry
        Assert.Equal(2, Directory.GetFiles(_folder).Length);

        // Handling the old version must not lose the newer upload's entry.
        journal.Remove(old);
        Assert.Equal([replaced], journal.ReadAll());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"kind\":\"Created\",\"key\":\"../../etc/passwd\",\"eTag\":\"x\"}")]
    [InlineData("{\"kind\":\"Exploded\",\"key\":\"uploads/a.jpg\",\"eTag\":\"x\"}")]
    [InlineData("null")]
    public void Unreadable_entries_are_dropped_and_the_rest_kept(string content)
    {
        var journal = new PendingEvents(_folder, NullLogger<PendingEvents>.Instance);
        var good = SourceEvent.Created(SourceKey.Parse("uploads/a/photo.jpg"), "etag-1");
        journal.Add(good);
        var bad = Path.Combine(_folder, "0123456789abcdef0123456789abcdef.json");
        File.WriteAllText(bad, content);

        Assert.Equal([good], journal.ReadAll());
        Assert.False(File.Exists(bad));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
