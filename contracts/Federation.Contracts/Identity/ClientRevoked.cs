namespace Federation.Contracts.Identity;

/// <summary>
/// A machine client was removed: its secret no longer gets tokens and, for a node agent, its broker user is
/// gone (open connections closed). AggregateId is the client id.
/// </summary>
public sealed record ClientRevoked : FederationEvent
{
    public required string ClientId { get; init; }

    /// <summary><c>partner</c> or <c>node-agent</c>.</summary>
    public required string Kind { get; init; }

    public string? Node { get; init; }

    public required string Reason { get; init; }
}
