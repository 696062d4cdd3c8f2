namespace Federation.Contracts.Compute;

/// <summary>
/// A platform admin revoked an enrolled node: the identity role deletes its client and its broker user (its
/// connections close), and the registry refuses its heartbeats from now on. Final. AggregateId is the node's name.
/// </summary>
public sealed record NodeRevoked : FederationEvent
{
    public required string Node { get; init; }
    public required string Reason { get; init; }
}
