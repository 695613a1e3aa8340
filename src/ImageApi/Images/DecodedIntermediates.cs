using ImageApi.Configuration;
using ImageApi.Processing.Naming;
using ImageApi.Processing.Pipeline;
using Microsoft.Extensions.Options;

namespace ImageApi.Images;

/// <summary>
/// The decoded pixels of the intermediates asked for lately, least recently used out first, up to
/// <c>Limits:IntermediateCacheMegabytes</c>. A page asks for several sizes of one image within
/// seconds: the ones after the first are cut from these pixels without reading the stored
/// intermediate or decoding it. Each entry is one version of an original (its ETag), with the
/// source record it was made under, so a hit needs no storage call before the render.
/// </summary>
public sealed class DecodedIntermediates
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();
    private readonly long _capacity;
    private long _bytes;

    public DecodedIntermediates(IOptions<ServiceLimitsOptions> limits)
    {
        // The setting is a ceiling: a small function (the template allows 512 MB) keeps an eighth of its memory at most.
        _capacity = Math.Min(limits.Value.IntermediateCacheMegabytes * 1024L * 1024L, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 8);
    }

    /// <summary>The most the pixels held may take.</summary>
    public long Capacity => _capacity;

    /// <summary>Memory the pixels held now take.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>The intermediate of this version of the original, and the record it was made under, when it is held.</summary>
    public (DecodedIntermediate Pixels, SourceRecord Record)? Find(SourceKey source, string etag)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(KeyOf(source, etag), out var node))
            {
                return null;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return (node.Value.Pixels, node.Value.Record);
        }
    }

    /// <summary>Holds <paramref name="pixels"/>, evicting the least recently used; an intermediate larger than the whole cache is not held.</summary>
    public void Add(SourceKey source, SourceRecord record, DecodedIntermediate pixels)
    {
        if (pixels.Bytes > _capacity)
        {
            return;
        }

        var key = KeyOf(source, record.ETag);
        lock (_gate)
        {
            RemoveLocked(key);
            while (_bytes + pixels.Bytes > _capacity && _recency.Last is { } oldest)
            {
                RemoveLocked(oldest.Value.Key);
            }

            _entries[key] = _recency.AddFirst(new Entry(key, source, record, pixels));
            _bytes += pixels.Bytes;
        }
    }

    /// <summary>Keeps a newer record with the pixels (the watermark sweep moved it on), so the next hit does not redo its work.</summary>
    public void Update(SourceKey source, SourceRecord record)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(KeyOf(source, record.ETag), out var node))
            {
                node.Value = node.Value with { Record = record };
            }
        }
    }

    /// <summary>Lets go of every version of an original (deleted or replaced).</summary>
    public void Forget(SourceKey source)
    {
        lock (_gate)
        {
            foreach (var key in _entries.Values.Where(n => n.Value.Source == source).Select(n => n.Value.Key).ToList())
            {
                RemoveLocked(key);
            }
        }
    }

    private void RemoveLocked(string key)
    {
        if (_entries.Remove(key, out var node))
        {
            _recency.Remove(node);
            _bytes -= node.Value.Pixels.Bytes;
        }
    }

    private static string KeyOf(SourceKey source, string etag) => source.Value + "\n" + etag;

    private sealed record Entry(string Key, SourceKey Source, SourceRecord Record, DecodedIntermediate Pixels);
}
