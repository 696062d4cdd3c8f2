namespace Federation.Contracts.Access;

/// <summary>The request is closed for good (project over); its active entitlements end with it. AggregateId is the request id.</summary>
public sealed record AccessRequestConcluded : FederationEvent
{
    public required AccessRequestSnapshot Request { get; init; }
}
