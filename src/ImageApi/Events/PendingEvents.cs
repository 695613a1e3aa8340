using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ImageApi.Processing.Naming;

namespace ImageApi.Events;

/// <summary>
/// The embedded queue's journal: one small file per event not yet handled, written before the
/// upload's <c>PUT</c> answers and deleted once the event has been handled. After a restart (or a
/// crash) every upload whose default rendition was not made is still listed here.
/// </summary>
/// <remarks>
/// One file per event, named by a hash of the event, so handling one version of an original can
/// never delete the entry of a newer upload of the same key.
/// </remarks>
public sealed partial class PendingEvents(string folder, ILogger<PendingEvents> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private volatile bool _created;

    public string Folder => folder;

    /// <summary>Records the event durably (written to a temporary file, then renamed over the entry).</summary>
    /// <returns>The entry's name, which identifies the event.</returns>
    public string Add(SourceEvent sourceEvent)
    {
        if (!_created)
        {
            Directory.CreateDirectory(folder);
            _created = true;
        }

        var name = NameOf(sourceEvent);
        var path = Path.Combine(folder, name);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        {
            JsonSerializer.Serialize(file, new Entry(sourceEvent.Kind, sourceEvent.Key.Value, sourceEvent.ETag), Json);
        }

        File.Move(temporary, path, overwrite: true);
        return name;
    }

    public void Remove(SourceEvent sourceEvent) => File.Delete(Path.Combine(folder, NameOf(sourceEvent)));

    /// <summary>Every event recorded and not yet removed, oldest first. Unreadable entries are dropped with a warning.</summary>
    public IReadOnlyList<SourceEvent> ReadAll()
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var events = new List<(DateTime Written, SourceEvent Event)>();
        foreach (var path in Directory.EnumerateFiles(folder, "*.json"))
        {
            string? problem = null;
            try
            {
                var entry = JsonSerializer.Deserialize<Entry>(File.ReadAllBytes(path), Json);
                if (entry is not null && SourceKey.TryParse(entry.Key, out var key, out problem))
                {
                    events.Add((File.GetLastWriteTimeUtc(path), new SourceEvent(entry.Kind, key, entry.ETag)));
                    continue;
                }

                problem ??= "empty entry";
            }
            catch (FileNotFoundException)
            {
                // Handled and removed while the folder was read.
                continue;
            }
            catch (JsonException ex)
            {
                problem = ex.Message;
            }

            LogUnreadable(logger, path, problem);
            File.Delete(path);
        }

        return events.OrderBy(e => e.Written).Select(e => e.Event).ToList();
    }

    public static string NameOf(SourceEvent sourceEvent)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{sourceEvent.Kind}\n{sourceEvent.Key.Value}\n{sourceEvent.ETag}"));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16)) + ".json";
    }

    private sealed record Entry(SourceEventKind Kind, string Key, string? ETag);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pending event {Path} is unreadable and was dropped: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string path, string reason);
}
