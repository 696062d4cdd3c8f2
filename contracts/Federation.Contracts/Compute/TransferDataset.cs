namespace Federation.Contracts.Compute;

/// <summary>
/// A command to one node: copy a dataset to the central node for a task the router placed there. Sent to the node's
/// own task queue. The node dials out to upload: every image with an HTTPS PUT to <see cref="UploadUrl"/>
/// (<c>…/files/&lt;name&gt;</c>) carrying <see cref="UploadToken"/>, a capability good for this one transfer (like a
/// presigned URL), and only if that URL is on the central node it trusts. It checks the visa and its own policy
/// first, then reports with <see cref="TaskPartFinished"/> (round 0), the files and bytes it sent as the result.
/// </summary>
public sealed record TransferDataset
{
    /// <summary>The HTTP header that carries <see cref="UploadToken"/>.</summary>
    public const string TokenHeader = "X-Transfer-Token";

    public required string TaskId { get; init; }
    public required string Owner { get; init; }
    public required string Node { get; init; }
    public required string Dataset { get; init; }
    public string? Visa { get; init; }
    public required string UploadUrl { get; init; }
    public required string UploadToken { get; init; }
}
