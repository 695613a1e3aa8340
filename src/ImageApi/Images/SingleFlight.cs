using System.Collections.Concurrent;

namespace ImageApi.Images;

/// <summary>
/// Runs one piece of work per key at a time: callers that arrive while it runs share its result.
/// The work itself is not cancelled when a caller gives up, so the next caller finds it stored.
/// </summary>
public sealed class SingleFlight<TResult>
{
    private readonly ConcurrentDictionary<string, Lazy<Task<TResult>>> _running = new(StringComparer.Ordinal);

    public int Running => _running.Count;

    public Task<TResult> RunAsync(string key, Func<Task<TResult>> work)
    {
        var lazy = _running.GetOrAdd(key, k => new Lazy<Task<TResult>>(() => RunAndForget(k, work)));
        return lazy.Value;
    }

    private async Task<TResult> RunAndForget(string key, Func<Task<TResult>> work)
    {
        try
        {
            return await Task.Run(work).ConfigureAwait(false);
        }
        finally
        {
            _running.TryRemove(key, out _);
        }
    }
}
