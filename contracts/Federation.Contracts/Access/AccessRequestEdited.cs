namespace Federation.Contracts.Access;

/// <summary>The applicant changed a draft (or a request returned for changes). AggregateId is the request id.</summary>
public sealed record AccessRequestEdited : FederationEvent
{
    public required AccessRequestSnapshot Request { get; init; }
}
