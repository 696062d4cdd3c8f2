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
    private Task<bool>? woken; // the relay's pending wait for a wake-up

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

    /// <summary>
    /// Waits for a wake-up, for <paramref name="timeout"/> or for any of <paramref name="orAnyOf"/>, whichever comes first.
    /// True when woken or timed out (the caller looks for rows), false when one of <paramref name="orAnyOf"/> came first
    /// (they are only watched when there is no wake-up to take at once). Nothing is
    /// thrown for the ways that are not a wake-up: the relay waits here thousands of times a second under load, and an
    /// exception each time (the cancelled read this used to be) cost a few percent of a host's CPU. Only the relay waits
    /// (the channel has one reader), always with its stopping token; that token's cancellation is thrown.
    /// </summary>
    internal async Task<bool> Wait(TimeSpan timeout, IReadOnlyCollection<Task> orAnyOf, CancellationToken cancellationToken)
    {
        if (wakeups.Reader.TryRead(out _))
        {
            // A pending wait was woken by the write of this very wake-up (it may still be completing): taken now, it must
            // not end the next wait too.
            woken = null;
            return true;
        }
        // Kept across waits that end otherwise: a read abandoned each time would leave its waiter in the channel.
        woken ??= wakeups.Reader.WaitToReadAsync(cancellationToken).AsTask();
        using var expiry = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timedOut = Task.Delay(timeout, expiry.Token);
        var first = await (orAnyOf.Count == 0 ? Task.WhenAny(woken, timedOut) : Task.WhenAny(woken, timedOut, Task.WhenAny(orAnyOf)));
        expiry.Cancel(); // the timer goes; its task ends cancelled, unobserved, without an exception being thrown
        cancellationToken.ThrowIfCancellationRequested();
        if (first != woken)
            return first == timedOut;
        woken = null;
        wakeups.Reader.TryRead(out _);
        return true;
    }
}
