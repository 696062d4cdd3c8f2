namespace Federation.Contracts.Access;

/// <summary>An entitlement reached its end; compute must stop using the dataset for this researcher. AggregateId is the entitlement id.</summary>
public sealed record EntitlementExpired : FederationEvent
{
    public required Guid EntitlementId { get; init; }
    public required Guid RequestId { get; init; }
    public required string Subject { get; init; }
    public required string DatasetId { get; init; }
    public required string DataHolder { get; init; }
    public required DateTimeOffset ExpiredAt { get; init; }
}
