using ImageApi.Processing.Limits;

namespace ImageApi.Processing.Tests.Limits;

public class DecodeBudgetTests
{
    private const long MB = 1024 * 1024;

    private static DecodeBudget Budget(int megabytes, TimeSpan wait) =>
        new(new ProcessingLimits { DecodeBudgetMegabytes = megabytes, DecodeBudgetWait = wait });

    [Fact]
    public void Leases_add_up_and_are_returned()
    {
        var budget = Budget(10, TimeSpan.Zero);
        using (budget.Acquire(4 * MB, default))
        using (budget.Acquire(6 * MB, default))
        {
            Assert.Equal(10 * MB, budget.Held);
        }

        Assert.Equal(0, budget.Held);
        Assert.Equal(10 * MB, budget.Peak);
    }

    [Fact]
    public void Over_the_budget_a_lease_waits_then_gives_up()
    {
        var budget = Budget(10, TimeSpan.FromMilliseconds(100));
        using var held = budget.Acquire(8 * MB, default);
        Assert.Throws<DecodeBudgetExhaustedException>(() => budget.Acquire(4 * MB, default));
        Assert.Equal(8 * MB, budget.Held);
    }

    [Fact]
    public async Task A_waiting_lease_runs_as_soon_as_room_comes_free()
    {
        var budget = Budget(10, TimeSpan.FromSeconds(30));
        var held = budget.Acquire(8 * MB, default);
        var waiting = Task.Run(() => budget.Acquire(4 * MB, default));
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);
        held.Dispose();
        using var lease = await waiting;
        Assert.Equal(4 * MB, budget.Held);
    }

    [Fact]
    public void One_image_larger_than_the_budget_may_still_run_alone()
    {
        var budget = Budget(10, TimeSpan.Zero);
        using var lease = budget.Acquire(50 * MB, default);
        Assert.Equal(10 * MB, budget.Held);
    }

    [Fact]
    public void A_lease_returns_its_bytes_once()
    {
        var budget = Budget(10, TimeSpan.Zero);
        var lease = budget.Acquire(5 * MB, default);
        lease.Dispose();
        lease.Dispose();
        Assert.Equal(0, budget.Held);
    }

    [Fact]
    public void Many_concurrent_leases_never_hold_more_than_the_budget()
    {
        var budget = Budget(40, TimeSpan.FromSeconds(30));
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 16 }, _ =>
        {
            using var lease = budget.Acquire(15 * MB, default);
            Thread.Sleep(2);
        });
        Assert.True(budget.Peak <= 40 * MB, $"peak {budget.Peak / MB} MB");
        Assert.Equal(0, budget.Held);
    }
}
