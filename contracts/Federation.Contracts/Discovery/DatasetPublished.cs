namespace Federation.Contracts.Discovery;

/// <summary>A node published a dataset for the first time (or again after retiring it). Carries the whole description. AggregateId is the dataset id; AggregateVersion its description version.</summary>
public sealed record DatasetPublished : FederationEvent
{
    public required DatasetDescription Dataset { get; init; }
}
