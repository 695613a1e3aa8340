using System.Globalization;
using System.Text;
using ImageApi.Processing.Naming;
using ImageApi.Processing.Transforms;

namespace ImageApi.Images;

/// <summary>A rendition ready to send: from the destination store, or just generated and stored.</summary>
public sealed class Rendition(RenditionKey key, Stream content, long length, string etag, bool generated, IReadOnlyList<StageTiming> timings, IAsyncDisposable? owner = null)
    : IAsyncDisposable
{
    public RenditionKey Key { get; } = key;
    public Stream Content { get; } = content;
    public long Length { get; } = length;

    /// <summary>Opaque, without quotes.</summary>
    public string ETag { get; } = etag;

    public string ContentType => Key.Spec.Format.ContentType;

    /// <summary>True when this request made the rendition; false when it was served from storage.</summary>
    public bool Generated { get; } = generated;

    public IReadOnlyList<StageTiming> Timings { get; } = timings;

    /// <summary>The <c>Server-Timing</c> header value: cache hit or miss, then each stage.</summary>
    public string ServerTiming()
    {
        var builder = new StringBuilder(Generated ? "cache;desc=miss" : "cache;desc=hit");
        foreach (var stage in Timings)
        {
            builder.Append(", ").Append(stage.Name).Append(";dur=")
                .Append(stage.Duration.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }

    // A stored object owns its stream (and, on S3, the response behind it).
    public ValueTask DisposeAsync() => owner?.DisposeAsync() ?? Content.DisposeAsync();
}

public readonly record struct StageTiming(string Name, TimeSpan Duration);
