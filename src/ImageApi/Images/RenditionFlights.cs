using System.Collections.Concurrent;
using System.Diagnostics;
using ImageApi.Configuration;
using ImageApi.Processing.Naming;
using Microsoft.Extensions.Options;

namespace ImageApi.Images;

/// <summary>
/// Generation of one rendition at a time per name, for requests and uploads alike: concurrent callers
/// share one render, which stops when every caller has gone or when it runs past <c>Limits:RenderTimeout</c>.
/// </summary>
public sealed class RenditionFlights(IOptions<ServiceLimitsOptions> limits)
{
    private static readonly TimeSpan JustStoredFor = TimeSpan.FromSeconds(10);
    private readonly SingleFlight<GeneratedRendition> _flights = new();
    private readonly ConcurrentDictionary<string, long> _stored = new(StringComparer.Ordinal);

    /// <exception cref="TimeoutException">The render ran longer than the timeout.</exception>
    public Task<GeneratedRendition> RunAsync(RenditionKey key, Func<CancellationToken, Task<GeneratedRendition>> work, CancellationToken cancellationToken) =>
        _flights.RunAsync(key.Value, async token =>
        {
            var made = await work(token).ConfigureAwait(false);
            Remember(key.Value);
            return made;
        }, limits.Value.RenderTimeout, cancellationToken);

    /// <summary>
    /// Whether a flight stored this rendition in the last few seconds. A request whose storage read ran
    /// before that flight's PUT, and which reached the flights after it had ended, starts a flight of its
    /// own: that flight reads storage again instead of rendering the same image twice.
    /// </summary>
    public bool JustStored(RenditionKey key) =>
        _stored.TryGetValue(key.Value, out var at) && Stopwatch.GetElapsedTime(at) < JustStoredFor;

    private void Remember(string key)
    {
        var now = Stopwatch.GetTimestamp();
        _stored[key] = now;
        if (_stored.Count > 256)
        {
            foreach (var (old, at) in _stored)
            {
                if (Stopwatch.GetElapsedTime(at, now) >= JustStoredFor)
                {
                    _stored.TryRemove(KeyValuePair.Create(old, at));
                }
            }
        }
    }
}

/// <summary>A rendition just made and stored: its bytes, ETag and what each stage cost.</summary>
public sealed record GeneratedRendition(byte[] Content, string ETag, IReadOnlyList<StageTiming> Timings, Processing.Pipeline.SourceImageInfo? Source);
