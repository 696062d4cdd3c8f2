using Federation.NodeAgent.Images;

namespace Federation.NodeAgent.Tests.Indexing;

/// <summary>
/// An image store that behaves like Orthanc where it matters to the indexer: arrivals are logged, deletions are not,
/// the listing is in insertion order and paged by offset. It can also be told to fail a listing call, as a node's
/// connection to its PACS fails in the middle of a reconciliation pass (the indexer's step then throws, as on a crash).
/// </summary>
internal sealed class FakeStore : IImageSource
{
    private const int ChangePage = 5;

    private readonly List<ImageRecord> images = [];
    private readonly List<ImageChange> log = [];

    public IReadOnlyList<ImageRecord> Images => images;

    /// <summary>Listing calls so far.</summary>
    public int Listings { get; private set; }

    /// <summary>The listing call (counted from 0 over the store's life) that fails, if any.</summary>
    public int? FailListing { get; set; }

    public void Add(ImageRecord image, bool logged = true)
    {
        images.Add(image);
        if (logged)
            log.Add(new ImageChange(log.Count + 1, "NewInstance", "Instance", image.InstanceId));
    }

    /// <summary>Unlogged, as in Orthanc 1.10 (which even drops the image's earlier log entry: the indexer must not depend on it).</summary>
    public void Delete(string instanceId) => images.RemoveAll(i => i.InstanceId == instanceId);

    /// <summary>Runs once, at the next read of the change log: the indexer has read its cursor and holds its transaction open.</summary>
    public Func<Task>? BeforeNextChanges { get; set; }

    public async Task<ChangePage> ChangesSince(long since, CancellationToken cancellationToken)
    {
        if (BeforeNextChanges is { } hook)
        {
            BeforeNextChanges = null;
            await hook();
        }
        var page = log.Where(c => c.Seq > since).Take(ChangePage).ToList();
        var last = page.Count > 0 ? page[^1].Seq : Math.Min(since, log.Count);
        return new ChangePage(page, last, last >= log.Count);
    }

    public Task<ImageRecord?> Describe(string instanceId, CancellationToken cancellationToken) =>
        Task.FromResult(images.FirstOrDefault(i => i.InstanceId == instanceId));

    public Task<InstanceIdPage> InstanceIds(long from, int limit, CancellationToken cancellationToken)
    {
        if (Listings++ == FailListing)
            throw new IOException("The PACS stopped answering.");
        var ids = images.Skip((int)from).Take(limit).Select(i => i.InstanceId).ToList();
        return Task.FromResult(new InstanceIdPage(ids, from + ids.Count, from + ids.Count >= images.Count));
    }

    public Task<long> InstanceCount(CancellationToken cancellationToken) => Task.FromResult((long)images.Count);

    /// <summary>One image of a subject: ids and UIDs from the numbers, attributes from the subject.</summary>
    public static ImageRecord Image(int subject, int study, int series, int instance, string collection = "LUNG", string modality = "CT", string bodyPart = "CHEST") =>
        new($"{collection}-{subject}-{study}-{series}-{instance}", collection, $"P{subject:D3}", $"{collection}-{subject}.{study}", $"{collection}-{subject}.{study}.{series}",
            modality, bodyPart, subject % 2 == 0 ? "F" : "M", 1940 + subject, 2015 + study, 1000 + instance);
}
