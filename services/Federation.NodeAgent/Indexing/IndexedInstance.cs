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

    /// <summary>The reconciliation pass that last saw this image in the store: after a full pass, older rows are gone from it.</summary>
    public long Pass { get; set; }

    /// <summary>The subject whose summary this row counts in; none when the image belongs to no collection (no dataset counts it).</summary>
    public SubjectKey? Subject => Collection is null ? null : new SubjectKey(Collection, PatientId);

    public bool Matches(ImageRecord image) =>
        (InstanceId, Collection, PatientId, StudyUid, SeriesUid, Modality, BodyPart, Sex, BirthYear, StudyYear, SizeBytes) ==
        (image.InstanceId, image.Collection, image.PatientId, image.StudyUid, image.SeriesUid, image.Modality, image.BodyPart, image.Sex, image.BirthYear,
            image.StudyYear, image.SizeBytes);

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

    /// <summary>
    /// How many times something besides the images changed the descriptions (a withdrawal, a reconciliation pass):
    /// raised only by <see cref="Indexing.DescriptionRequests.Ask"/>, in one statement, so that concurrent askers never
    /// overwrite each other.
    /// </summary>
    public long DescriptionsAsked { get; set; }

    /// <summary>
    /// The value of <see cref="DescriptionsAsked"/> that the indexer read before it last described the datasets: while
    /// the two differ, the next step describes again. A request committed while the indexer was describing leaves them
    /// different, so it is never lost (a flag cleared after describing could swallow it).
    /// </summary>
    public long DescriptionsPublished { get; set; }

    /// <summary>The number of the running reconciliation pass, or of the last one.</summary>
    public long ReconcilePass { get; set; }

    /// <summary>Where the running pass continues in the store's listing; null when no pass runs.</summary>
    public long? ReconcileNext { get; set; }

    /// <summary>
    /// How many images the index holds, kept in the same transactions as the rows (and recounted at the end of
    /// each pass): compared with the store's count at every poll, which must not count millions of rows.
    /// </summary>
    public long Instances { get; set; }
}

/// <summary>The last description published for a dataset: its version and a fingerprint to tell whether anything changed.</summary>
public sealed class PublishedDataset
{
    public string DatasetId { get; set; } = "";
    public long Version { get; set; }
    public string Fingerprint { get; set; } = "";
    public bool Retired { get; set; }
}
