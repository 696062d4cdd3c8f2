namespace Federation.Contracts.Access;

/// <summary>A data holder's reviewer returned the request to the applicant for changes. AggregateId is the request id.</summary>
public sealed record AccessRequestReturned : FederationEvent
{
    public required AccessRequestSnapshot Request { get; init; }
    public required string DataHolder { get; init; }
    public required string Comment { get; init; }
}
