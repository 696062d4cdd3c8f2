namespace Federation.Contracts.Audit;

/// <summary>
/// The audit role removed entries older than its retention: entries 1 (or the first retained before) to
/// <see cref="ThroughSequence"/>, which is the end of sealed checkpoint <see cref="Checkpoint"/>. The checkpoints are
/// kept: the first retained entry's previous hash equals that checkpoint's signed <see cref="ChainHash"/>, so what
/// remains still verifies against signed anchors. The event is written into the chain in the transaction that prunes
/// (and published), so the trail itself says what was pruned and when. AggregateId is <c>audit-trail</c>.
/// </summary>
public sealed record AuditTrailPruned : FederationEvent
{
    public required long FromSequence { get; init; }
    public required long ThroughSequence { get; init; }
    public required long Entries { get; init; }
    public required long Checkpoint { get; init; }
    public required string ChainHash { get; init; }

    /// <summary>Every pruned entry was recorded before this instant (now minus the retention).</summary>
    public required DateTimeOffset RecordedBefore { get; init; }

    public required TimeSpan Retention { get; init; }
}
