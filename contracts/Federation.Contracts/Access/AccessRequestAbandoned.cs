namespace Federation.Contracts.Access;

/// <summary>A draft (or a returned request) was left untouched past its deadline and was abandoned by the review clock. AggregateId is the request id.</summary>
public sealed record AccessRequestAbandoned : FederationEvent
{
    public required AccessRequestSnapshot Request { get; init; }
    public required DateTimeOffset IdleSince { get; init; }
}
