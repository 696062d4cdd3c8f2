namespace Federation.Contracts.Discovery;

/// <summary>
/// A federated count query, published to every node agent; each answers with <see cref="CountAnswer"/> to
/// the asking discovery instance before <see cref="Deadline"/>. Not an event: nothing changes state.
/// </summary>
public sealed record CountQuery
{
    public required Guid QueryId { get; init; }
    public required SubjectFilter Filter { get; init; }
    public required DateTimeOffset Deadline { get; init; }
}

/// <summary>
/// One node's answer: per dataset, its matching subjects and their distributions, computed from the node's
/// own index with the node's small-cell rule already applied (a count under the threshold is null and only
/// <see cref="DatasetCount.Exists"/> says there are some). Never subject-level records.
/// </summary>
public sealed record CountAnswer
{
    public required Guid QueryId { get; init; }
    public required string Node { get; init; }
    public required IReadOnlyList<DatasetCount> Datasets { get; init; }
}

public sealed record DatasetCount(string DatasetId, bool Exists, int? Subjects, IReadOnlyList<CountBucket> Sex, IReadOnlyList<CountBucket> AgeAtStudy);
