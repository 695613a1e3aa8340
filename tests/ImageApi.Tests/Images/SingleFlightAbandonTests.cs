using ImageApi.Images;

namespace ImageApi.Tests.Images;

/// <summary>A flight whose last waiter has left is being cancelled: nobody may join it.</summary>
public sealed class SingleFlightAbandonTests
{
    [Fact]
    public async Task A_caller_after_the_last_waiter_left_starts_a_new_flight()
    {
        var flights = new SingleFlight<int>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var leave = new CancellationTokenSource();

        // The first flight notices its cancellation only when released, as a render does between steps.
        var first = flights.RunAsync("k", async token =>
        {
            started.SetResult();
            await release.Task;
            token.ThrowIfCancellationRequested();
            return 1;
        }, TimeSpan.FromMinutes(1), leave.Token);
        await started.Task;
        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);

        // The abandoned flight is still running; a new caller must not get its cancellation.
        var second = flights.RunAsync("k", _ => Task.FromResult(2), TimeSpan.FromMinutes(1), CancellationToken.None);
        release.SetResult();
        Assert.Equal(2, await second);
    }

    [Fact]
    public async Task The_abandoned_flight_ending_late_does_not_remove_the_new_one()
    {
        var flights = new SingleFlight<int>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseSecond = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var leave = new CancellationTokenSource();
        var firstEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = flights.RunAsync("k", async token =>
        {
            started.SetResult();
            try
            {
                await releaseFirst.Task;
                token.ThrowIfCancellationRequested();
                return 1;
            }
            finally
            {
                firstEnded.SetResult();
            }
        }, TimeSpan.FromMinutes(1), leave.Token);
        await started.Task;
        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);

        var secondRuns = 0;
        var second = flights.RunAsync("k", async _ =>
        {
            Interlocked.Increment(ref secondRuns);
            await releaseSecond.Task;
            return 2;
        }, TimeSpan.FromMinutes(1), CancellationToken.None);
        releaseFirst.SetResult();
        await firstEnded.Task;
        await Task.Delay(50);

        // A third caller joins the second flight (still running), not a flight of its own.
        var third = flights.RunAsync("k", _ => Task.FromResult(3), TimeSpan.FromMinutes(1), CancellationToken.None);
        releaseSecond.SetResult();
        Assert.Equal(2, await second);
        Assert.Equal(2, await third);
        Assert.Equal(1, secondRuns);
    }
}
