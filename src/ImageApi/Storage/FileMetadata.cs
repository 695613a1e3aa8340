namespace ImageApi.Storage;

/// <summary>
/// The folder store's user metadata (S3's <c>x-amz-meta-*</c>): one JSON side file per object that has
/// any, at the object's key under a folder beside the store's root, so it is never listed as an object.
/// </summary>
internal sealed class FileMetadata(string root, string staging)
{
    /// <summary>Whether the side-file folder may exist; once it does, it is never assumed gone.</summary>
    private volatile bool _mayHaveMetadata;

    /// <summary>When (<see cref="Environment.TickCount64"/>) the folder was last found missing.</summary>
    private long _missingSince = long.MinValue / 2;

    // This store's own writes set _mayHaveMetadata at once; a folder made by another process on the
    // same root is seen within this long. Looking on every read was a stat per served rendition.
    private const long MissingFolderRecheckMilliseconds = 1000;

    // The key has passed FileObjectStore.PathOf's checks before any of these run, so it stays inside the metadata root too.
    private string PathOf(string key) => Path.Combine(root, key.Replace('/', Path.DirectorySeparatorChar) + ".json");

    public IReadOnlyDictionary<string, string> Read(string key)
    {
        // Most objects have no side file (renditions never do), and every served rendition is read here:
        // no syscall and no exception for them (but a look for the folder once a second), as long as no
        // object of this store was ever given metadata.
        if (!_mayHaveMetadata)
        {
            var now = Environment.TickCount64;
            if (now - Volatile.Read(ref _missingSince) < MissingFolderRecheckMilliseconds)
            {
                return ObjectInfo.NoMetadata;
            }

            if (!Directory.Exists(root))
            {
                Volatile.Write(ref _missingSince, now);
                return ObjectInfo.NoMetadata;
            }
        }

        _mayHaveMetadata = true;
        var path = PathOf(key);
        if (!File.Exists(path))
        {
            return ObjectInfo.NoMetadata;
        }

        try
        {
            using var file = File.OpenRead(path);
            return System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(file) ?? ObjectInfo.NoMetadata;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            // Removed between the check and the open.
            return ObjectInfo.NoMetadata;
        }
        catch (System.Text.Json.JsonException)
        {
            // A damaged side file loses the metadata, never the object.
            return ObjectInfo.NoMetadata;
        }
    }

    // Most objects have none: no side file, and not even its folder.
    public void Delete(string key)
    {
        var path = PathOf(key);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    // Written to staging and renamed into place, like the content; none at all is no file.
    public void Write(string key, IReadOnlyDictionary<string, string> metadata)
    {
        var path = PathOf(key);
        if (metadata.Count == 0)
        {
            Delete(key);
            return;
        }

        var temporary = Path.Combine(staging, Guid.NewGuid().ToString("N"));
        try
        {
            File.WriteAllBytes(temporary, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(metadata));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.Move(temporary, path, overwrite: true);
            _mayHaveMetadata = true;
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
