namespace Federation.Contracts.Access;

/// <summary>
/// A data holder's review policy was set: how its DAC decides (single, quorum, majority; optional veto),
/// who votes, and its reminder and escalation times. AggregateId is the data holder.
/// </summary>
public sealed record ReviewPolicySet : FederationEvent
{
    public required string DataHolder { get; init; }
    public required string Rule { get; init; }
    public required IReadOnlyList<string> Members { get; init; }
    public required int Quorum { get; init; }
    public required bool Veto { get; init; }
    public required TimeSpan RemindAfter { get; init; }
    public required TimeSpan EscalateAfter { get; init; }
    public required TimeSpan EntitlementDuration { get; init; }
}
