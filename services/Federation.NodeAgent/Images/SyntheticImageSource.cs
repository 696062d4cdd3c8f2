namespace Federation.NodeAgent.Images;

/// <summary>
/// A deterministic synthetic cohort standing in for a PACS (the embedded demo, benchmarks): every image
/// is one "NewInstance" change, in order. Nothing here resembles real people: ids are counters.
/// </summary>
public sealed class SyntheticImageSource : IImageSource
{
    private readonly List<ImageRecord> images;

    public SyntheticImageSource(IEnumerable<ImageRecord> images) => this.images = images.ToList();

    /// <summary>A cohort: for each collection, <paramref name="patients"/> subjects with one study of a few series.</summary>
    public static SyntheticImageSource Cohort(string node, int seed, params (string Collection, string Modality, string BodyPart, int Patients)[] collections)
    {
        var random = new Random(seed);
        var images = new List<ImageRecord>();
        foreach (var (collection, modality, bodyPart, patients) in collections)
            for (var p = 0; p < patients; p++)
            {
                var patient = $"{node}-{collection}-{p:D5}";
                var sex = random.Next(2) == 0 ? "F" : "M";
                var birthYear = 1940 + random.Next(60);
                var studyYear = 2015 + random.Next(10);
                for (var s = 0; s < 2; s++)
                    for (var i = 0; i < 4; i++)
                        images.Add(new ImageRecord($"{patient}-{s}-{i}", collection, patient, $"{patient}.study", $"{patient}.series{s}",
                            modality, bodyPart, sex, birthYear, studyYear, 512 * 1024 + random.Next(64 * 1024)));
            }
        return new SyntheticImageSource(images);
    }

    public Task<ChangePage> ChangesSince(long since, CancellationToken cancellationToken)
    {
        var page = images.Skip((int)since).Take(1000).Select((image, i) => new ImageChange(since + i + 1, "NewInstance", "Instance", image.InstanceId)).ToList();
        var last = since + page.Count;
        return Task.FromResult(new ChangePage(page, last, last >= images.Count));
    }

    public Task<ImageRecord?> Describe(string instanceId, CancellationToken cancellationToken) =>
        Task.FromResult(images.FirstOrDefault(i => i.InstanceId == instanceId));

    public Task<long> InstanceCount(CancellationToken cancellationToken) => Task.FromResult((long)images.Count);

    public Task<IReadOnlyList<string>> AllInstanceIds(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(images.Select(i => i.InstanceId).ToList());
}
