namespace Federation.Contracts.Access;

/// <summary>The consent role's automatic check of the purpose against the datasets' data-use conditions arrived and is now shown to reviewers. AggregateId is the request id.</summary>
public sealed record AccessConsentCheckRecorded : FederationEvent
{
    public required AccessRequestSnapshot Request { get; init; }
    public required IReadOnlyList<DatasetCheck> Checks { get; init; }
}
