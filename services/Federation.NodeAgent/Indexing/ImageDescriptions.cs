using Federation.NodeAgent.Images;

namespace Federation.NodeAgent.Indexing;

/// <summary>Describes a page of images, a few at a time: one at a time, a page from Orthanc waits on hundreds of round trips in a row.</summary>
internal static class ImageDescriptions
{
    private const int InFlight = 4;

    /// <summary>Each id's description, in order; null for an image gone from the store since it was listed or logged.</summary>
    public static async Task<ImageRecord?[]> Of(IImageSource source, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var images = new ImageRecord?[ids.Count];
        await Parallel.ForAsync(0, ids.Count, new ParallelOptions { MaxDegreeOfParallelism = InFlight, CancellationToken = cancellationToken },
            async (i, token) => images[i] = await source.Describe(ids[i], token));
        return images;
    }
}
