using System.Threading.Channels;

namespace Federation.ServiceDefaults.Persistence;

/// <summary>
/// Wakes the relay as soon as a transaction with outbox rows commits, so an event leaves in
/// milliseconds instead of at the next poll. Polling still runs to pick up rows a crashed process left.
/// </summary>
public sealed class OutboxSignal<TDb> where TDb : ServiceDbContext
{
    private readonly Channel<bool> wakeups = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    public void Notify() => wakeups.Writer.TryWrite(true);

    /// <summary>Returns when notified or when <paramref name="timeout"/> passes, whichever comes first.</summary>
    public async Task Wait(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await wakeups.Reader.ReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The poll interval passed without a wake-up: the caller polls.
        }
    }
}
