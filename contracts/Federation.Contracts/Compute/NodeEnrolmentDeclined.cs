namespace Federation.Contracts.Compute;

/// <summary>A platform admin declined a node's enrolment; the hospital may ask again. AggregateId is the node's name.</summary>
public sealed record NodeEnrolmentDeclined : FederationEvent
{
    public required string Node { get; init; }
    public required string Reason { get; init; }
}
