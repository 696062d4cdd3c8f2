namespace Federation.Contracts.Compute;

/// <summary>
/// A node's result passed the automatic airlock checks and now waits for the node operator's manual release (the
/// node's policy asks for it for this algorithm). Followed by <see cref="TaskPartFinished"/>: released, or withheld
/// with the operator's reason. AggregateId is <c>&lt;task&gt;/&lt;node&gt;/&lt;dataset&gt;</c>.
/// </summary>
public sealed record TaskPartHeld : FederationEvent
{
    public required string TaskId { get; init; }
    public required string Node { get; init; }
    public required string Dataset { get; init; }
    public int Round { get; init; }
    public required string Reason { get; init; }
}
