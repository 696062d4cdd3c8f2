using System.Globalization;

namespace Federation.NodeAgent.Images;

/// <summary>A kind of image: what a series shows (modality) and where (body part).</summary>
public sealed record SyntheticKind(string Modality, string BodyPart);

/// <summary>One collection of a synthetic cohort: its subjects and the kinds of image they have (each study is one kind; the first study the first kind).</summary>
public sealed record SyntheticCollection(string Name, int Subjects, IReadOnlyList<SyntheticKind> Kinds);

/// <summary>
/// A deterministic synthetic cohort standing in for a PACS (the embedded demo, benchmarks): every image is
/// one "NewInstance" change, in order. Nothing is held per image: image number g (0 ≤ g &lt; instances) is
/// computed from the seed and g when asked for (its subject, study, series, attributes), so a cohort of
/// millions costs no memory. Subjects have near-equal numbers of images; a subject's images fill series of
/// <c>seriesSize</c>, <c>seriesPerStudy</c> series a study. Nothing here resembles real people: ids are counters.
/// </summary>
public sealed class SyntheticImageSource : IImageSource, IImageContent
{
    private const int ChangePage = 1000;

    private readonly string node;
    private readonly int seed;
    private readonly IReadOnlyList<SyntheticCollection> collections;
    private readonly int[] firstSubjectOf; // collection c holds subjects firstSubjectOf[c] .. firstSubjectOf[c + 1] - 1
    private readonly long instances;
    private readonly long perSubject;
    private readonly long larger; // the first `larger` subjects have one image more than perSubject
    private readonly int seriesSize;
    private readonly int seriesPerStudy;
    private readonly string idPrefix;

    public SyntheticImageSource(string node, int seed, IReadOnlyList<SyntheticCollection> collections, long instances, int seriesSize, int seriesPerStudy)
    {
        var subjects = collections.Sum(c => c.Subjects);
        if (subjects < 1 || instances < subjects || seriesSize < 1 || seriesPerStudy < 1 || collections.Any(c => c.Subjects < 0 || c.Kinds.Count == 0))
            throw new ArgumentException("A synthetic cohort needs at least one subject, at least one image per subject, series and studies of at least one, and a kind per collection.");
        this.node = node;
        this.seed = seed;
        this.collections = collections;
        this.instances = instances;
        this.seriesSize = seriesSize;
        this.seriesPerStudy = seriesPerStudy;
        perSubject = instances / subjects;
        larger = instances % subjects;
        firstSubjectOf = new int[collections.Count + 1];
        for (var c = 0; c < collections.Count; c++)
            firstSubjectOf[c + 1] = firstSubjectOf[c] + collections[c].Subjects;
        idPrefix = $"{node}/";
    }

    /// <summary>The demo's shape: for each collection, <c>Patients</c> subjects with one study of two series of four images, one kind each.</summary>
    public static SyntheticImageSource Cohort(string node, int seed, params (string Collection, string Modality, string BodyPart, int Patients)[] collections) =>
        new(node, seed, collections.Select(c => new SyntheticCollection(c.Collection, c.Patients, [new SyntheticKind(c.Modality, c.BodyPart)])).ToList(),
            instances: collections.Sum(c => c.Patients) * 8L, seriesSize: 4, seriesPerStudy: 2);

    public long Instances => instances;

    public Task<ChangePage> ChangesSince(long since, CancellationToken cancellationToken)
    {
        var from = Math.Clamp(since, 0, instances);
        var to = Math.Min(from + ChangePage, instances);
        var changes = new List<ImageChange>((int)(to - from));
        for (var g = from; g < to; g++)
            changes.Add(new ImageChange(g + 1, "NewInstance", "Instance", InstanceId(g)));
        return Task.FromResult(new ChangePage(changes, to, to >= instances));
    }

    public Task<ImageRecord?> Describe(string instanceId, CancellationToken cancellationToken) =>
        Task.FromResult(instanceId.StartsWith(idPrefix, StringComparison.Ordinal)
            && long.TryParse(instanceId.AsSpan(idPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var g) && g < instances
            && InstanceId(g) == instanceId // no leading zeros: one id per image
                ? Image(g)
                : null);

    public Task<long> InstanceCount(CancellationToken cancellationToken) => Task.FromResult(instances);

    public Task<InstanceIdPage> InstanceIds(long from, int limit, CancellationToken cancellationToken)
    {
        var start = Math.Clamp(from, 0, instances);
        var end = Math.Min(start + limit, instances);
        var ids = new List<string>((int)(end - start));
        for (var g = start; g < end; g++)
            ids.Add(InstanceId(g));
        return Task.FromResult(new InstanceIdPage(ids, end, end >= instances));
    }

    /// <summary>
    /// An 8×8 8-bit image whose brightness follows its study's label (<see cref="Tag"/>: StudyDescription "malignant"
    /// or "benign", half each by subject) with noise, so the built-in federated classifier has something to learn.
    /// </summary>
    public async Task<ImagePixels?> Pixels(string instanceId, CancellationToken cancellationToken)
    {
        if (await Describe(instanceId, cancellationToken) is null)
            return null;
        var g = Number(instanceId);
        var malignant = Malignant(g);
        var values = new float[64];
        for (var i = 0; i < values.Length; i++)
            values[i] = (malignant ? 120 : 90) + (float)(Mix(seed, g, 100 + i) % 90);
        return new ImagePixels(values, 255);
    }

    /// <summary>The image as a binary PGM (8×8, 8-bit): a file any program can read, standing in for DICOM.</summary>
    public async Task<(byte[] Content, string Extension)?> File(string instanceId, CancellationToken cancellationToken)
    {
        if (await Pixels(instanceId, cancellationToken) is not { } pixels)
            return null;
        return ([.. System.Text.Encoding.ASCII.GetBytes("P5\n8 8\n255\n"), .. pixels.Values.Select(v => (byte)Math.Clamp(v, 0, 255))], ".pgm");
    }

    /// <summary>The synthetic images carry one tag beyond the index: StudyDescription, the study's label.</summary>
    public async Task<string?> Tag(string instanceId, string keyword, CancellationToken cancellationToken) =>
        keyword == "StudyDescription" && await Describe(instanceId, cancellationToken) is not null ? (Malignant(Number(instanceId)) ? "malignant" : "benign") : null;

    private bool Malignant(long g) => Mix(seed, SubjectOf(g), 2) % 2 == 0;

    /// <summary>The subject of image g: the first <c>larger</c> subjects have one image more than the rest.</summary>
    private long SubjectOf(long g)
    {
        var boundary = larger * (perSubject + 1);
        return g < boundary ? g / (perSubject + 1) : larger + (g - boundary) / perSubject;
    }

    private long Number(string instanceId) => long.Parse(instanceId.AsSpan(idPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture);

    private string InstanceId(long g) => idPrefix + g.ToString(CultureInfo.InvariantCulture);

    /// <summary>Image g: its subject s and its place k among the subject's images decide everything else.</summary>
    private ImageRecord Image(long g)
    {
        var s = SubjectOf(g);
        var k = g - (s * perSubject + Math.Min(s, larger));
        var c = 0;
        while (s >= firstSubjectOf[c + 1])
            c++;
        var collection = collections[c];
        var patient = $"{node}-{collection.Name}-{s - firstSubjectOf[c]:D5}";
        var series = k / seriesSize;
        var study = series / seriesPerStudy;
        var subject = Mix(seed, s, 0);
        var birthYear = 1930 + (int)(subject % 76);
        var firstStudyYear = 2012 + (int)((subject >> 16) % 13);
        var kind = study == 0 ? collection.Kinds[0] : collection.Kinds[(int)(Mix(seed, s, study) % (ulong)collection.Kinds.Count)];
        return new ImageRecord(InstanceId(g), collection.Name, patient, $"{patient}.study{study}", $"{patient}.series{series}",
            kind.Modality, kind.BodyPart, ((subject >> 40) & 1) == 0 ? "F" : "M", birthYear, firstStudyYear + (int)study,
            512 * 1024 + (long)(Mix(seed, g, 1) % (64 * 1024)));
    }

    // SplitMix64 over (seed, a, b): the same numbers on every machine and run, unlike System.Random's unspecified algorithm.
    private static ulong Mix(int seed, long a, long b)
    {
        var z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)a * 0xBF58476D1CE4E5B9UL + (ulong)b * 0x94D049BB133111EBUL + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
