using Federation.NodeAgent.Images;

namespace Federation.NodeAgent.Indexing;

/// <summary>One image in the node's index (see <see cref="ImageRecord"/>).</summary>
public sealed class IndexedInstance
{
    public string InstanceId { get; set; } = "";
    public string? Collection { get; set; }
    public string PatientId { get; set; } = "";
    public string StudyUid { get; set; } = "";
    public string SeriesUid { get; set; } = "";
    public string Modality { get; set; } = "";
    public string BodyPart { get; set; } = "";
    public string Sex { get; set; } = "O";
    public int? BirthYear { get; set; }
    public int? StudyYear { get; set; }
    public long SizeBytes { get; set; }

    public void Apply(ImageRecord image)
    {
        InstanceId = image.InstanceId;
        Collection = image.Collection;
        PatientId = image.PatientId;
        StudyUid = image.StudyUid;
        SeriesUid = image.SeriesUid;
        Modality = image.Modality;
        BodyPart = image.BodyPart;
        Sex = image.Sex;
        BirthYear = image.BirthYear;
        StudyYear = image.StudyYear;
        SizeBytes = image.SizeBytes;
    }
}

/// <summary>Where the indexer is in the PACS's change log, and whether its first full reconciliation is done.</summary>
public sealed class IndexCursor
{
    public int Id { get; set; } = 1;
    public long LastChange { get; set; }
    public bool Reconciled { get; set; }

    /// <summary>Something besides the images changed the descriptions (a withdrawal): republish at the next step.</summary>
    public bool DescriptionsStale { get; set; }
}

/// <summary>The last description published for a dataset: its version and a fingerprint to tell whether anything changed.</summary>
public sealed class PublishedDataset
{
    public string DatasetId { get; set; } = "";
    public long Version { get; set; }
    public string Fingerprint { get; set; } = "";
    public bool Retired { get; set; }
}
