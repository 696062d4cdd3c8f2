namespace Federation.Consent.Domain;

/// <summary>A subject's withdrawal of consent from one dataset. Append-only: nothing updates or deletes it.</summary>
public sealed class Withdrawal
{
    public string DatasetId { get; set; } = "";
    public string SubjectId { get; set; } = "";

    /// <summary>The dataset's n-th withdrawal (the event's aggregate version).</summary>
    public int Sequence { get; set; }

    public string Node { get; set; } = "";
    public string? Reason { get; set; }
    public string RecordedBy { get; set; } = "";
    public DateTime RecordedAt { get; set; }
}

/// <summary>Where a dataset lives (which node, which holder), learnt from the node agents' publications.</summary>
public sealed class DatasetLocation
{
    public string DatasetId { get; set; } = "";
    public string Node { get; set; } = "";
    public string DataHolder { get; set; } = "";
}
