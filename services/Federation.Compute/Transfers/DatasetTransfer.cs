namespace Federation.Compute.Transfers;

/// <summary>
/// One dataset on its way to the central node for one task: where its files land, the hash of the capability the
/// node uploads with (the token itself only travels in the command to that node), and what arrived.
/// </summary>
public sealed class DatasetTransfer
{
    /// <summary>32 hex digits, unguessable on its own too; part of the upload URL.</summary>
    public string Id { get; set; } = "";

    public string TaskId { get; set; } = "";
    public string Node { get; set; } = "";
    public string Dataset { get; set; } = "";
    public string TokenHash { get; set; } = "";
    public int Files { get; set; }
    public long Bytes { get; set; }

    /// <summary>Open while the node uploads; closed when the node reported, the task ended, or the data was used and deleted.</summary>
    public bool Open { get; set; } = true;

    public DateTime CreatedAt { get; set; }
}
