namespace Federation.Contracts.Access;

/// <summary>
/// A draft access request was submitted for review. Carries the whole request so that a partner
/// can stay in sync without calling back. AggregateId is the request id.
/// </summary>
public sealed record AccessRequestSubmitted : FederationEvent
{
    public required Guid RequestId { get; init; }
    public required string Title { get; init; }
    public required string Applicant { get; init; }
    public required IReadOnlyList<string> DatasetIds { get; init; }
    public string? Purpose { get; init; }
    public required DateTimeOffset SubmittedAt { get; init; }

    /// <summary>True when a request returned for changes was submitted again (a new review round).</summary>
    public bool Resubmission { get; init; }

    /// <summary>The whole request, including the structured purpose the consent role checks.</summary>
    public AccessRequestSnapshot? Request { get; init; }
}
