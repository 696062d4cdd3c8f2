namespace Federation.Contracts.Discovery;

/// <summary>
/// What the catalogue shows of one dataset, in the spirit of DCAT-AP and EUCAIM's catalogue. Computed at
/// its node from the node's own index: counts and distributions only, never subject-level records, and a
/// distribution bucket under the node's small-cell threshold carries no count (<see cref="CountBucket.Count"/> null).
/// </summary>
public sealed record DatasetDescription(
    string DatasetId,
    string Title,
    string? Description,
    string DataHolder,
    string Node,
    string? Country,
    string? CancerType,
    string? CancerTypeLabel,
    IReadOnlyList<string> BodyParts,
    IReadOnlyList<string> Modalities,
    int Subjects,
    int Studies,
    int Series,
    long Instances,
    long SizeBytes,
    IReadOnlyList<CountBucket> AgeAtStudy,
    IReadOnlyList<CountBucket> Sex,
    int? FirstYear,
    int? LastYear,
    string AccessModel,
    string ConditionsPath,
    string PersistentId);

/// <summary>A distribution bucket (an age band, a sex): null count when below the small-cell threshold.</summary>
public sealed record CountBucket(string Key, int? Count);
