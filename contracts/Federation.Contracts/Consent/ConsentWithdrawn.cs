namespace Federation.Contracts.Consent;

/// <summary>
/// A subject (pseudonymous id, as the hospital's PACS knows them) withdrew consent for a dataset: the node
/// holding it leaves the subject out of every later computation and count. Never reversed. AggregateId is
/// the dataset id; AggregateVersion counts the dataset's withdrawals.
/// </summary>
public sealed record ConsentWithdrawn : FederationEvent
{
    public required string DatasetId { get; init; }
    public required string Node { get; init; }
    public required string SubjectId { get; init; }
    public required DateTimeOffset RecordedAt { get; init; }
}
