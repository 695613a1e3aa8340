using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;

namespace ImageApi.Storage;

/// <summary>
/// An <see cref="IObjectStore"/> over a folder, for the embedded mode. Writes go to a staging folder
/// beside the data and are renamed into place, so a reader never sees half a file and a failed write
/// leaves nothing behind. No key, however hostile, resolves outside <see cref="Root"/> (<see cref="FileStorePaths"/>). An object's
/// user metadata (S3's <c>x-amz-meta-*</c>) is a JSON file at the same key in a folder beside the
/// root (<c>source.metadata/</c>), so it is never listed as an object of its own.
/// </summary>
public sealed class FileObjectStore : IObjectStore
{
    private readonly string _staging;
    private readonly FileMetadata _metadata;
    private readonly FileStorePaths _paths;

    public FileObjectStore(string name, string root, string staging)
    {
        Name = name;
        Root = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        _staging = Path.GetFullPath(staging);
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(_staging);
        _metadata = new FileMetadata(Path.TrimEndingDirectorySeparator(Root) + ".metadata" + Path.DirectorySeparatorChar, _staging);
        _paths = new FileStorePaths(Root);
    }

    public string Name { get; }

    public string Root { get; }

    // Files up to this size are read whole on GET (below the large-object heap's 85 000 bytes, so the
    // buffer is a cheap short-lived allocation); larger ones are streamed.
    private const int WholeReadLimit = 80 * 1024;

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        var path = _paths.PathOf(key);
        return Task.FromResult(Guard(() => File.Exists(path) ? Describe(key, new FileInfo(path)) with { Metadata = _metadata.Read(key) } : null));
    }

    public Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken)
    {
        // Where open files can be named, the links are checked on the file opened (one readlink, and
        // nothing can swap a link between the check and the open) instead of one readlink per segment
        // of the key before it: this runs on every served rendition.
        var path = FileStorePaths.CanNameOpenFiles ? _paths.LexicalPathOf(key) : _paths.PathOf(key);
        return Task.FromResult(Guard(() =>
        {
            SafeFileHandle handle;
            try
            {
                // Synchronous reads: on Linux "asynchronous" file IO is a thread-pool hop per read, slower
                // for the small files renditions are. No SequentialScan: its fadvise was a syscall per
                // served rendition for a file read in one go (the kernel reads ahead for streamed ones anyway).
                handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
            }
            catch (UnauthorizedAccessException) when (Directory.Exists(path))
            {
                // The key names a folder of other keys, not an object.
                return null;
            }

            if (FileStorePaths.CanNameOpenFiles)
            {
                _paths.RefuseOpenedOutside(key, path, handle);
            }

            // Describe the handle we opened, not the path: a rename may have replaced the file since.
            var length = RandomAccess.GetLength(handle);
            var info = Describe(key, File.GetLastWriteTimeUtc(handle), length) with { Metadata = _metadata.Read(key) };
            if (length > WholeReadLimit)
            {
                return new StoredObject(info, new FileStream(handle, FileAccess.Read, bufferSize: 0));
            }

            // Most renditions are a few tens of kilobytes: one read, and the file is closed before the
            // response is written.
            using (handle)
            {
                var bytes = new byte[length];
                var read = 0;
                while (read < bytes.Length && RandomAccess.Read(handle, bytes.AsSpan(read), read) is > 0 and var count)
                {
                    read += count;
                }

                return new StoredObject(info, new MemoryStream(bytes, 0, read, writable: false, publiclyVisible: true));
            }
        }));
    }

    public async Task<ObjectInfo> PutAsync(string key, Stream content, string contentType, PutMode mode, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var path = _paths.PathOf(key);
        var temporary = Path.Combine(_staging, Guid.NewGuid().ToString("N"));
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }

            return Guard(() =>
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                if (mode == PutMode.CreateOnly)
                {
                    // Without overwrite, .NET links the new name and fails if it exists: atomic on Linux.
                    try
                    {
                        File.Move(temporary, path, overwrite: false);
                    }
                    catch (IOException) when (File.Exists(path))
                    {
                        throw new ObjectAlreadyExistsException(Name, key);
                    }
                }
                else
                {
                    File.Move(temporary, path, overwrite: true);
                }

                // After the content is in place: a create that lost must not touch the winner's metadata.
                _metadata.Write(key, metadata ?? ObjectInfo.NoMetadata);
                return Describe(key, new FileInfo(path)) with { Metadata = metadata ?? ObjectInfo.NoMetadata };
            });
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public Task<ObjectInfo?> ReplaceMetadataAsync(string key, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var path = _paths.PathOf(key);
        return Task.FromResult(Guard(() =>
        {
            if (!File.Exists(path))
            {
                return null;
            }

            _metadata.Write(key, metadata);
            return Describe(key, new FileInfo(path)) with { Metadata = metadata };
        }));
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var path = _paths.PathOf(key);
        Guard(() =>
        {
            File.Delete(path);
            _metadata.Delete(key);
            return true;
        });
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var slash = prefix.LastIndexOf('/');
        var directory = slash < 0 ? Root : _paths.PathOf(prefix[..slash]);
        if (!Directory.Exists(directory))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = Path.GetRelativePath(Root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                yield return key;
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    private static ObjectInfo Describe(string key, FileInfo file) => Describe(key, file.LastWriteTimeUtc, file.Length);

    // mtime and length, as nginx does: changes with every replacement because writes are renames.
    private static ObjectInfo Describe(string key, DateTime lastWrite, long length)
    {
        var etag = string.Create(CultureInfo.InvariantCulture, $"{lastWrite.Ticks:x}-{length:x}");
        return new ObjectInfo(key, length, etag, null, lastWrite);
    }

    private T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return default!;
        }
        catch (PathTooLongException)
        {
            // A segment over the file system's 255-byte name limit cannot exist here.
            return default!;
        }
        catch (IOException ex)
        {
            throw new StorageUnavailableException(Name, ex.Message, ex);
        }
    }
}
