namespace Federation.Contracts.Access;

/// <summary>The applicant withdrew the request; no further review happens. AggregateId is the request id.</summary>
public sealed record AccessRequestWithdrawn : FederationEvent
{
    public required AccessRequestSnapshot Request { get; init; }
}
