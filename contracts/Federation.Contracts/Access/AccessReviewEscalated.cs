namespace Federation.Contracts.Access;

/// <summary>A data holder still had not acted by its second deadline; the request was escalated to platform administrators. AggregateId is the request id.</summary>
public sealed record AccessReviewEscalated : FederationEvent
{
    public required AccessRequestSnapshot Request { get; init; }
    public required string DataHolder { get; init; }
    public required DateTimeOffset DueAt { get; init; }
}
