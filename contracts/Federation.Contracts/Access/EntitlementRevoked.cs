namespace Federation.Contracts.Access;

/// <summary>An entitlement was ended before its time, by a reviewer of its holder or an admin (or with its request's conclusion). AggregateId is the entitlement id.</summary>
public sealed record EntitlementRevoked : FederationEvent
{
    public required Guid EntitlementId { get; init; }
    public required Guid RequestId { get; init; }
    public required string Subject { get; init; }
    public required string DatasetId { get; init; }
    public required string DataHolder { get; init; }
    public required string Reason { get; init; }
    public required DateTimeOffset RevokedAt { get; init; }
}
