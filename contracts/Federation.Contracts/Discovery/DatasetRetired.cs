namespace Federation.Contracts.Discovery;

/// <summary>A node withdrew a dataset from the catalogue (no images left, or no longer configured). AggregateId is the dataset id.</summary>
public sealed record DatasetRetired : FederationEvent
{
    public required string DatasetId { get; init; }
    public required string Node { get; init; }
    public required string Reason { get; init; }
}
