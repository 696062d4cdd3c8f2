namespace Federation.Contracts.Compute;

/// <summary>
/// An enrolled node came online (its first heartbeat, or one after a silence) or went offline (no heartbeat
/// within the registry's limit). AggregateId is the node's name.
/// </summary>
public sealed record NodeStatusChanged : FederationEvent
{
    public required string Node { get; init; }

    /// <summary><c>online</c> or <c>offline</c>.</summary>
    public required string Liveness { get; init; }

    /// <summary>When the registry last heard from the node (null if never).</summary>
    public DateTimeOffset? LastHeartbeatAt { get; init; }
}
