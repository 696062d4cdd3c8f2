namespace Federation.Contracts.Compute;

/// <summary>A hospital asked for its node to join the federation; a platform admin decides. AggregateId is the node's name.</summary>
public sealed record NodeEnrolmentRequested : FederationEvent
{
    public required NodeProfile Profile { get; init; }
}
