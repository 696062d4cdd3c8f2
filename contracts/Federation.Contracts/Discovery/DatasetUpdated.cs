namespace Federation.Contracts.Discovery;

/// <summary>A node updated a dataset's description (images arrived or were deleted, or its settings changed). Carries the whole description. AggregateId is the dataset id; AggregateVersion its description version.</summary>
public sealed record DatasetUpdated : FederationEvent
{
    public required DatasetDescription Dataset { get; init; }
}
