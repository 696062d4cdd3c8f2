namespace Federation.Contracts.Access;

/// <summary>A researcher created a draft access request. AggregateId is the request id.</summary>
public sealed record AccessRequestDrafted : FederationEvent
{
    public required Guid RequestId { get; init; }
    public required string Title { get; init; }
    public required string Applicant { get; init; }
    public required IReadOnlyList<string> DatasetIds { get; init; }

    /// <summary>The whole draft (added in 1.x; absent from events of earlier releases).</summary>
    public AccessRequestSnapshot? Request { get; init; }
}
