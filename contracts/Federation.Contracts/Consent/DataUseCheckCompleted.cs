using Federation.Contracts.Access;

namespace Federation.Contracts.Consent;

/// <summary>
/// The consent role checked a submitted access request's research purpose against the current
/// data-use conditions of each requested dataset. AggregateId is the request id; AggregateVersion the
/// request version that was checked (a resubmission is checked again).
/// </summary>
public sealed record DataUseCheckCompleted : FederationEvent
{
    public required Guid RequestId { get; init; }
    public required long RequestVersion { get; init; }

    /// <summary>The DUO release the check used.</summary>
    public required string DuoRelease { get; init; }

    public required IReadOnlyList<DatasetCheck> Checks { get; init; }
}
