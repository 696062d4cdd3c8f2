namespace Federation.Contracts.Access;

/// <summary>Someone with a part in the request (applicant or a reviewer of one of its holders) commented on it. AggregateId is the request id.</summary>
public sealed record AccessCommentAdded : FederationEvent
{
    public required AccessRequestSnapshot Request { get; init; }
    public required string Author { get; init; }
    public required string Comment { get; init; }
}
