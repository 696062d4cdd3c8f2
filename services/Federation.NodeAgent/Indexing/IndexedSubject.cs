namespace Federation.NodeAgent.Indexing;

/// <summary>A subject of a collection: what the summary tables are keyed by.</summary>
public readonly record struct SubjectKey(string Collection, string PatientId);

/// <summary>
/// One subject of a collection, summed over all their images. Datasets are described from these rows
/// (thousands) instead of the image rows (millions); the indexer rewrites a subject's row in the same
/// transaction as any change to the subject's images.
/// </summary>
public sealed class IndexedSubject
{
    public string Collection { get; set; } = "";
    public string PatientId { get; set; } = "";
    public string Sex { get; set; } = "O";
    public int? BirthYear { get; set; }
    public int? FirstStudyYear { get; set; }
    public int? LastStudyYear { get; set; }
    public int Studies { get; set; }
    public int Series { get; set; }
    public long Instances { get; set; }
    public long SizeBytes { get; set; }
}

/// <summary>
/// One subject's images of one kind (modality and body part): what federated counts filter on. A count of
/// the subjects with CT images of the chest, of a sex and age at first such study, reads one row per subject
/// and kind, kept with <see cref="IndexedSubject"/>.
/// </summary>
public sealed class SubjectKind
{
    public string Collection { get; set; } = "";
    public string PatientId { get; set; } = "";
    public string Modality { get; set; } = "";
    public string BodyPart { get; set; } = "";
    public string Sex { get; set; } = "O";
    public int? BirthYear { get; set; }
    public int? FirstStudyYear { get; set; }
}
