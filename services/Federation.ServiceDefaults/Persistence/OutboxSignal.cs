using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Federation.ServiceDefaults.Persistence;

/// <summary>
/// Wakes the relay as soon as a transaction with outbox rows commits, so an event leaves in
/// milliseconds instead of at the next poll. Polling still runs to pick up rows a crashed process left.
/// The group commit also hands over the rows it committed, which spares the relay reading them back.
/// </summary>
public sealed class OutboxSignal<TDb> where TDb : ServiceDbContext
{
    /// <summary>Rows held for the relay at most; past that they are left to its next read of the store.</summary>
    private const int MaxHandedOver = 4_000;

    private readonly Channel<bool> wakeups = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    private readonly ConcurrentQueue<OutboxMessage> committed = new();
    private int handedOver;
    private volatile bool unannounced;

    /// <summary>Rows were committed that are not handed over: the relay must read the store.</summary>
    public void Notify()
    {
        unannounced = true;
        wakeups.Writer.TryWrite(true);
    }

    /// <summary>Rows whose transaction has committed (never before: a row handed over is published as it is).</summary>
    internal void Committed(IReadOnlyList<OutboxMessage> rows)
    {
        if (Interlocked.Add(ref handedOver, rows.Count) > MaxHandedOver)
        {
            // A relay that does not take them (paused, or not the leader for long) must not make them pile up here.
            Interlocked.Add(ref handedOver, -rows.Count);
            Notify();
            return;
        }
        foreach (var row in rows)
            committed.Enqueue(row);
        wakeups.Writer.TryWrite(true);
    }

    /// <summary>
    /// Moves the rows handed over so far into <paramref name="rows"/>. False when rows were committed that were not handed
    /// over (written outside the group commit, or left out): the store must be read, after this call.
    /// </summary>
    internal bool TakeCommitted(List<OutboxMessage> rows)
    {
        var complete = !unannounced;
        unannounced = false;
        while (committed.TryDequeue(out var row))
        {
            Interlocked.Decrement(ref handedOver);
            rows.Add(row);
        }
        return complete;
    }

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
