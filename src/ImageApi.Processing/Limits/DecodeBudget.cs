namespace ImageApi.Processing.Limits;

/// <summary>
/// The memory all renders may hold for decoded pixels at once. A render leases its estimate before
/// libvips decodes a pixel and returns it when done; over the budget it waits a little, then gives up,
/// so a burst of large originals slows down instead of taking the process past its memory.
/// </summary>
public sealed class DecodeBudget
{
    private readonly object _gate = new(); // Monitor.Wait needs a monitor, not a Lock
    private readonly long _capacity;
    private readonly TimeSpan _wait;
    private long _held;

    public DecodeBudget(ProcessingLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _capacity = limits.DecodeBudgetMegabytes * 1024L * 1024L;
        _wait = limits.DecodeBudgetWait;
        Megabytes = limits.DecodeBudgetMegabytes;
    }

    public int Megabytes { get; }

    /// <summary>Bytes leased now.</summary>
    public long Held
    {
        get
        {
            lock (_gate)
            {
                return _held;
            }
        }
    }

    /// <summary>The most that was leased at once.</summary>
    public long Peak { get; private set; }

    /// <summary>
    /// Leases <paramref name="bytes"/> (at most the whole budget: one image alone may always run, the
    /// per-image limit bounds it). Blocks up to the configured wait.
    /// </summary>
    /// <exception cref="DecodeBudgetExhaustedException">No room came free in time.</exception>
    public Lease Acquire(long bytes, CancellationToken cancellationToken)
    {
        bytes = Math.Clamp(bytes, 0, _capacity);
        var deadline = DateTime.UtcNow + _wait;
        lock (_gate)
        {
            while (_held + bytes > _capacity)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    throw new DecodeBudgetExhaustedException(bytes, Megabytes);
                }

                // Woken by every release; the short slice also notices cancellation.
                Monitor.Wait(_gate, left < TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100));
            }

            _held += bytes;
            Peak = Math.Max(Peak, _held);
        }

        return new Lease(this, bytes);
    }

    private void Release(long bytes)
    {
        lock (_gate)
        {
            _held -= bytes;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Returns its bytes to the budget when disposed.</summary>
    public sealed class Lease : IDisposable
    {
        private DecodeBudget? _budget;

        internal Lease(DecodeBudget budget, long bytes)
        {
            _budget = budget;
            Bytes = bytes;
        }

        public long Bytes { get; }

        public void Dispose() => Interlocked.Exchange(ref _budget, null)?.Release(Bytes);
    }
}
