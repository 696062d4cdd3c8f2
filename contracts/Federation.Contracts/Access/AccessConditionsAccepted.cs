namespace Federation.Contracts.Access;

/// <summary>The applicant accepted the conditions a data holder attached to its approval of a dataset. AggregateId is the request id.</summary>
public sealed record AccessConditionsAccepted : FederationEvent
{
    public required AccessRequestSnapshot Request { get; init; }
    public required string DatasetId { get; init; }
}
