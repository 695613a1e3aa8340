using System.Globalization;
using ImageApi.Processing.Naming;
using Microsoft.Win32.SafeHandles;

namespace ImageApi.Storage;

/// <summary>
/// Where a key lives under a folder store's root, and the guarantee that it stays there: no key,
/// however hostile, and no symbolic link on its way resolves outside the root.
/// </summary>
internal sealed class FileStorePaths
{
    /// <summary>The root, as the store was given it, with a trailing separator.</summary>
    private readonly string _root;

    /// <summary>The root with its own link (if it is one) resolved.</summary>
    private readonly string _realRoot;

    /// <summary>The root with every link on its way resolved, as /proc/self/fd names the files under it.</summary>
    private readonly string _resolvedRoot;

    public FileStorePaths(string root)
    {
        _root = root;
        var real = new DirectoryInfo(root).ResolveLinkTarget(returnFinalTarget: true)?.FullName;
        _realRoot = real is null ? root : Path.TrimEndingDirectorySeparator(real) + Path.DirectorySeparatorChar;
        _resolvedRoot = CanNameOpenFiles ? Path.TrimEndingDirectorySeparator(Resolve(root)) + Path.DirectorySeparatorChar : _realRoot;
    }

    /// <summary>Linux names each open file by its resolved path (every link on the way followed) under /proc/self/fd.</summary>
    public static readonly bool CanNameOpenFiles = OperatingSystem.IsLinux() && Directory.Exists("/proc/self/fd");

    /// <exception cref="InvalidKeyException">The key breaks the key rules or would leave the root.</exception>
    public string PathOf(string key)
    {
        var path = LexicalPathOf(key);
        RefuseLinksOut(key, path);
        return path;
    }

    /// <summary>The key's path, checked as a string only: symbolic links on the way are not looked at.</summary>
    /// <exception cref="InvalidKeyException">The key breaks the key rules or would leave the root.</exception>
    public string LexicalPathOf(string key)
    {
        if (ObjectKeyRules.Validate(key) is { } reason)
        {
            throw new InvalidKeyException(key, reason);
        }

        // Belt and braces: the rules already exclude '..', '\' and absolute keys.
        var path = Path.GetFullPath(Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar)));
        if (!path.StartsWith(_root, StringComparison.Ordinal))
        {
            throw new InvalidKeyException(key, "The key resolves outside the store.");
        }

        return path;
    }

    /// <summary>The file just opened must be inside the store, wherever the links on its way led.</summary>
    /// <exception cref="InvalidKeyException">It is not (the handle is closed).</exception>
    public void RefuseOpenedOutside(string key, string path, SafeFileHandle handle)
    {
        var opened = new FileInfo("/proc/self/fd/" + handle.DangerousGetHandle().ToString(CultureInfo.InvariantCulture)).LinkTarget;
        if (opened is null)
        {
            // Unnamed after all: the check of every segment, as on other systems.
            try
            {
                RefuseLinksOut(key, path);
                return;
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }

        if (opened.StartsWith(_resolvedRoot, StringComparison.Ordinal) || opened.StartsWith(_root, StringComparison.Ordinal))
        {
            return;
        }

        handle.Dispose();
        throw new InvalidKeyException(key, "The key resolves outside the store through a symbolic link.");
    }

    /// <summary>
    /// A symbolic link on the way (a folder or the file itself) may only point inside the store. One
    /// readlink per segment and nothing else: this runs on every served rendition (a stat per
    /// segment as well cost a third of the cached path's requests per second).
    /// </summary>
    /// <exception cref="InvalidKeyException">One points outside.</exception>
    private void RefuseLinksOut(string key, string path)
    {
        var at = _root.Length;
        while (at <= path.Length)
        {
            var next = path.IndexOf(Path.DirectorySeparatorChar, at);
            var partial = next < 0 ? path : path[..next];
            FileSystemInfo entry = new FileInfo(partial);
            if (entry.LinkTarget is not null)
            {
                var target = entry.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
                if (target is null || !IsInside(target))
                {
                    throw new InvalidKeyException(key, "The key resolves outside the store through a symbolic link.");
                }
            }

            if (next < 0)
            {
                return;
            }

            at = next + 1;
        }
    }

    /// <summary>The path with every symbolic link on its way resolved (the root's own ancestors included).</summary>
    private static string Resolve(string path)
    {
        var resolved = Path.GetPathRoot(path)!;
        foreach (var segment in path[resolved.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Join(resolved, segment);
            resolved = new DirectoryInfo(next).ResolveLinkTarget(returnFinalTarget: true) is { } target ? Resolve(target.FullName) : next;
        }

        return resolved;
    }

    private bool IsInside(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)) + Path.DirectorySeparatorChar;
        return full.StartsWith(_root, StringComparison.Ordinal) || full.StartsWith(_realRoot, StringComparison.Ordinal);
    }
}
