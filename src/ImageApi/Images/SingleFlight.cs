namespace ImageApi.Images;

/// <summary>
/// Runs one piece of work per key at a time: callers that arrive while it runs share its result.
/// The work is cancelled when every caller has given up (their requests were aborted), and when it
/// runs longer than the timeout; otherwise it runs to the end, and the next caller finds it stored.
/// </summary>
public sealed class SingleFlight<TResult>
{
    private readonly Dictionary<string, Flight> _flights = new(StringComparer.Ordinal);

    public int Running
    {
        get
        {
            lock (_flights)
            {
                return _flights.Count;
            }
        }
    }

    /// <exception cref="TimeoutException">The work ran longer than <paramref name="timeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<TResult> RunAsync(string key, Func<CancellationToken, Task<TResult>> work, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Flight flight;
        lock (_flights)
        {
            if (!_flights.TryGetValue(key, out flight!))
            {
                flight = new Flight(timeout);
                _flights[key] = flight;
                flight.Task = RunFlightAsync(key, flight, work);
            }

            flight.Waiters++;
        }

        try
        {
            return await flight.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_flights)
            {
                if (--flight.Waiters == 0 && !flight.Finished)
                {
                    // Nobody may join a flight that is being cancelled: the next caller starts a new one.
                    flight.Abandoned = true;
                    if (_flights.TryGetValue(key, out var current) && ReferenceEquals(current, flight))
                    {
                        _flights.Remove(key);
                    }

                    flight.Cancellation.Cancel();
                }
            }
        }
    }

    private async Task<TResult> RunFlightAsync(string key, Flight flight, Func<CancellationToken, Task<TResult>> work)
    {
        try
        {
            return await Task.Run(() => work(flight.Cancellation.Token)).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (flight.Cancellation.IsCancellationRequested && !flight.Abandoned)
        {
            throw new TimeoutException($"The work took longer than {flight.Timeout.TotalSeconds:0.#} s and was stopped.", ex);
        }
        finally
        {
            lock (_flights)
            {
                flight.Finished = true;
                if (_flights.TryGetValue(key, out var current) && ReferenceEquals(current, flight))
                {
                    // An abandoned flight was removed already, and a new one may run under its key.
                    _flights.Remove(key);
                }

                flight.Cancellation.Dispose();
            }
        }
    }

    private sealed class Flight(TimeSpan timeout)
    {
        public TimeSpan Timeout { get; } = timeout;
        public CancellationTokenSource Cancellation { get; } = new(timeout);
        public Task<TResult> Task { get; set; } = null!;
        public int Waiters { get; set; }
        public bool Finished { get; set; }
        public bool Abandoned { get; set; }
    }
}
