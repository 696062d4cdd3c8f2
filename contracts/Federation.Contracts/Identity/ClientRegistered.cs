namespace Federation.Contracts.Identity;

/// <summary>
/// A machine client was registered: a partner system or a node agent (client credentials).
/// AggregateId is the client id. Never carries the secret.
/// </summary>
public sealed record ClientRegistered : FederationEvent
{
    public required string ClientId { get; init; }
    public required string DisplayName { get; init; }

    /// <summary><c>partner</c> or <c>node-agent</c>.</summary>
    public required string Kind { get; init; }

    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>The node a node agent acts for.</summary>
    public string? Node { get; init; }
}
