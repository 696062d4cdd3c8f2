namespace Federation.NodeAgent.Indexing;

/// <summary>A subject who withdrew consent for a dataset of this node: left out of every count and computation from then on.</summary>
public sealed class WithdrawnSubject
{
    public string DatasetId { get; set; } = "";
    public string SubjectId { get; set; } = "";
    public DateTime RecordedAt { get; set; }
}
