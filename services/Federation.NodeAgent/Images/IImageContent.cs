namespace Federation.NodeAgent.Images;

/// <summary>An image's pixels as stored (every frame, every sample), and the largest value a pixel can hold.</summary>
public sealed record ImagePixels(float[] Values, double MaxValue);

/// <summary>
/// What an algorithm running at the node may read of an image beyond the index: its file, its pixels and one named tag. Only
/// algorithms the node runs read these, at the node; nothing read here leaves it except through the airlock.
/// </summary>
public interface IImageContent
{
    /// <summary>Null when the image is gone.</summary>
    Task<ImagePixels?> Pixels(string instanceId, CancellationToken cancellationToken);

    /// <summary>The image as a file (DICOM from Orthanc; a PGM from the synthetic cohort) and its file name extension; null when gone.</summary>
    Task<(byte[] Content, string Extension)?> File(string instanceId, CancellationToken cancellationToken);

    /// <summary>The value of the DICOM attribute <paramref name="keyword"/> (e.g. StudyDescription), null when absent or the image is gone.</summary>
    Task<string?> Tag(string instanceId, string keyword, CancellationToken cancellationToken);
}
