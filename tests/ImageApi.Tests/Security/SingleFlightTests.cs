using ImageApi.Images;

namespace ImageApi.Tests.Security;

public sealed class SingleFlightTests
{
    [Fact]
    public async Task Work_is_cancelled_when_every_caller_has_gone()
    {
        var flight = new SingleFlight<int>();
        var started = new TaskCompletionSource();
        var observed = new TaskCompletionSource<bool>();
        using var a = new CancellationTokenSource();
        using var b = new CancellationTokenSource();
        Func<CancellationToken, Task<int>> work = async token =>
        {
            started.SetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, token);
                return 1;
            }
            catch (OperationCanceledException)
            {
                observed.SetResult(true);
                throw;
            }
        };

        var first = flight.RunAsync("k", work, TimeSpan.FromMinutes(1), a.Token);
        await started.Task;
        var second = flight.RunAsync("k", work, TimeSpan.FromMinutes(1), b.Token);

        await a.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.False(observed.Task.IsCompleted, "one caller still waits, so the work goes on");

        await b.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
        Assert.True(await observed.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        for (var i = 0; i < 100 && flight.Running > 0; i++)
        {
            await Task.Delay(20);
        }

        Assert.Equal(0, flight.Running);
    }

    [Fact]
    public async Task Callers_share_one_run_and_its_result()
    {
        var flight = new SingleFlight<int>();
        var runs = 0;
        var gate = new TaskCompletionSource();
        Func<CancellationToken, Task<int>> work = async _ =>
        {
            Interlocked.Increment(ref runs);
            await gate.Task;
            return 42;
        };

        var callers = Enumerable.Range(0, 10).Select(_ => flight.RunAsync("k", work, TimeSpan.FromMinutes(1), CancellationToken.None)).ToList();
        gate.SetResult();
        Assert.All(await Task.WhenAll(callers), r => Assert.Equal(42, r));
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task Work_over_the_timeout_is_a_timeout()
    {
        var flight = new SingleFlight<int>();
        var ex = await Assert.ThrowsAsync<TimeoutException>(() =>
            flight.RunAsync("k", async token => { await Task.Delay(Timeout.Infinite, token); return 0; }, TimeSpan.FromMilliseconds(50), CancellationToken.None));
        Assert.Contains("0.1 s", ex.Message, StringComparison.Ordinal);
    }
}
