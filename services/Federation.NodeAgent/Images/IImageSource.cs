namespace Federation.NodeAgent.Images;

/// <summary>One entry of the PACS's change log.</summary>
public sealed record ImageChange(long Seq, string ChangeType, string ResourceType, string Id);

/// <summary>A page of the change log; <see cref="Last"/> is where the next page starts, <see cref="Done"/> when it was the end.</summary>
public sealed record ChangePage(IReadOnlyList<ImageChange> Changes, long Last, bool Done);

/// <summary>What the index keeps of one image: who, which study and series, what kind, how big. No pixels, no names.</summary>
public sealed record ImageRecord(
    string InstanceId, string? Collection, string PatientId, string StudyUid, string SeriesUid, string Modality, string BodyPart,
    string Sex, int? BirthYear, int? StudyYear, long SizeBytes);

/// <summary>A page of the store's instance ids in the store's own stable order; <see cref="Next"/> is where the following page starts.</summary>
public sealed record InstanceIdPage(IReadOnlyList<string> Ids, long Next, bool Done);

/// <summary>
/// The hospital's image store as the indexer reads it: a change log to follow (arrivals and deletions),
/// a description per image, and the full list, page by page, to reconcile against. Orthanc in production; a synthetic
/// cohort in the embedded demo and benchmarks (the same indexing code runs on both).
/// </summary>
public interface IImageSource
{
    Task<ChangePage> ChangesSince(long since, CancellationToken cancellationToken);

    /// <summary>Null when the image is gone (deleted since the change was logged).</summary>
    Task<ImageRecord?> Describe(string instanceId, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> instance ids from position <paramref name="from"/> (0 = the start). Paged, because
    /// a large hospital holds millions: the whole list never sits in memory.
    /// </summary>
    Task<InstanceIdPage> InstanceIds(long from, int limit, CancellationToken cancellationToken);

    /// <summary>How many images the store holds now (cheap): a mismatch with the index means something was deleted.</summary>
    Task<long> InstanceCount(CancellationToken cancellationToken);
}
