namespace Federation.Contracts.Access;

/// <summary>A DAC member voted on one dataset of a request (with an optional comment, conditions or consent-check override). The snapshot shows whether the vote decided the dataset. AggregateId is the request id.</summary>
public sealed record AccessVoteRecorded : FederationEvent
{
    public required AccessRequestSnapshot Request { get; init; }
    public required string DatasetId { get; init; }
    public required string DataHolder { get; init; }
    public required string Member { get; init; }

    /// <summary>approve or decline.</summary>
    public required string Decision { get; init; }

    public string? Comment { get; init; }
    public string? Conditions { get; init; }

    /// <summary>Why a reviewer approved despite a consent-check deny; null when no override was needed.</summary>
    public string? OverrideReason { get; init; }
}
