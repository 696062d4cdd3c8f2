namespace Federation.AccessRequests.Domain;

/// <summary>One dataset of a request; it gets its own sub-state at its data holder once review exists.</summary>
public sealed class RequestedDataset
{
    public Guid RequestId { get; set; }

    public string DatasetId { get; set; } = "";

    /// <summary>Position in the applicant's list, so the request reads back as it was written.</summary>
    public int Position { get; set; }
}
