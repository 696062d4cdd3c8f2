namespace Federation.ServiceDefaults.Persistence;

/// <summary>
/// What one relay has sent lately, so that it may publish a row handed over at commit without reading the store
/// and still keep each aggregate's events in order: such a row goes at once only if it cannot overtake an unsent
/// row of its aggregate, which holds when it has no aggregate, is its aggregate's first event (version 1), or
/// directly follows the last version this relay got confirmed. Anything else (a restart, a predecessor that
/// failed, one written by another replica) goes through the store's read, which orders by commit.
/// Bounded: forgetting only sends more rows the slow way.
/// </summary>
internal sealed class RelayOrder
{
    private const int Remembered = 50_000;

    private readonly Dictionary<string, long> lastSentVersion = [];
    private readonly HashSet<long> settled = [];
    private readonly Queue<long> settledOrder = new();

    /// <summary>Whether <paramref name="row"/> may be published now, ahead of a read of the store.</summary>
    public bool MayGoAhead(OutboxMessage row, IReadOnlySet<string> aggregatesInFlight) =>
        row.AggregateId is not { } aggregate
        || (!aggregatesInFlight.Contains(aggregate)
            && row.AggregateVersion is { } version
            && (version == 1 || (lastSentVersion.TryGetValue(aggregate, out var last) && last == version - 1)));

    /// <summary>Whether the row was already settled (read from the store before it was handed over, sent and deleted).</summary>
    public bool WasSettled(long sequence) => settled.Contains(sequence);

    public void Settled(OutboxMessage row, bool sent)
    {
        if (settled.Add(row.Sequence))
            settledOrder.Enqueue(row.Sequence);
        while (settledOrder.Count > Remembered)
            settled.Remove(settledOrder.Dequeue());

        if (row.AggregateId is not { } aggregate)
            return;
        if (!sent || row.AggregateVersion is not { } version)
        {
            lastSentVersion.Remove(aggregate); // its next row must wait for the store's order
            return;
        }
        if (lastSentVersion.Count >= Remembered && !lastSentVersion.ContainsKey(aggregate))
            lastSentVersion.Clear();
        lastSentVersion[aggregate] = version;
    }
}
