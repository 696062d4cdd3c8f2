namespace Federation.Contracts.Access;

/// <summary>
/// Approval of a dataset made it available to a researcher until <see cref="End"/>. AggregateId is the
/// entitlement id. Node agents and compute use it only together with a valid GA4GH visa.
/// </summary>
public sealed record EntitlementGranted : FederationEvent
{
    public required Guid EntitlementId { get; init; }
    public required Guid RequestId { get; init; }
    public required string Subject { get; init; }
    public required string DatasetId { get; init; }
    public required string DataHolder { get; init; }
    public string? Conditions { get; init; }
    public required DateTimeOffset Start { get; init; }
    public required DateTimeOffset End { get; init; }
}
