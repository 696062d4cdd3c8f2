using Federation.ServiceDefaults.Persistence;
using Xunit;

namespace Federation.ServiceDefaults.Tests;

/// <summary>The relay's wait: how it ends decides whether the relay looks for rows or only settles confirms.</summary>
public sealed class OutboxSignalTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task A_commit_wakes_the_wait_and_is_taken_once()
    {
        var signal = new OutboxSignal<TestDbContext>();
        var waiting = signal.Wait(Long, [], CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        signal.Notify();

        Assert.True(await waiting.WaitAsync(Long));
        var next = signal.Wait(Long, [], CancellationToken.None);
        await Task.Yield();
        Assert.False(next.IsCompleted); // the wake-up was taken by the first wait
        signal.Notify();
        Assert.True(await next.WaitAsync(Long));
    }

    [Fact]
    public async Task The_timeout_ends_the_wait_as_a_reason_to_look()
    {
        var signal = new OutboxSignal<TestDbContext>();

        Assert.True(await signal.Wait(TimeSpan.FromMilliseconds(20), [], CancellationToken.None).WaitAsync(Long));
    }

    [Fact]
    public async Task A_confirm_ends_the_wait_without_taking_a_later_wake_up()
    {
        var signal = new OutboxSignal<TestDbContext>();
        var confirm = new TaskCompletionSource();
        var waiting = signal.Wait(Long, [confirm.Task], CancellationToken.None);

        confirm.SetResult();

        Assert.False(await waiting.WaitAsync(Long));
        signal.Notify(); // arrives while nobody waits: the next wait sees it at once
        Assert.True(await signal.Wait(Long, [], CancellationToken.None).WaitAsync(Long));
    }

    [Fact]
    public async Task A_wake_up_taken_at_once_does_not_end_the_next_wait_too()
    {
        var signal = new OutboxSignal<TestDbContext>();
        Assert.False(await signal.Wait(Long, [Task.CompletedTask], CancellationToken.None)); // leaves its wait for a wake-up pending
        signal.Notify();
        Assert.True(await signal.Wait(Long, [], CancellationToken.None).WaitAsync(Long));

        // Nothing new comes: the next wait must end by its other condition, not by the wake-up already taken.
        Assert.False(await signal.Wait(Long, [Task.Delay(TimeSpan.FromMilliseconds(200))], CancellationToken.None).WaitAsync(Long));
    }

    [Fact]
    public async Task Stopping_throws_from_the_wait()
    {
        var signal = new OutboxSignal<TestDbContext>();
        using var stopping = new CancellationTokenSource();
        var waiting = signal.Wait(Long, [new TaskCompletionSource().Task], stopping.Token);

        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Long));
    }
}
