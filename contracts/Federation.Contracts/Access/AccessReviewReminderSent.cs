namespace Federation.Contracts.Access;

/// <summary>A data holder had not acted on a request within its configured time; its reviewers were reminded. AggregateId is the request id.</summary>
public sealed record AccessReviewReminderSent : FederationEvent
{
    public required AccessRequestSnapshot Request { get; init; }
    public required string DataHolder { get; init; }
    public required DateTimeOffset DueAt { get; init; }
}
