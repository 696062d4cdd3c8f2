using Federation.Contracts.Discovery;
using Federation.NodeAgent.Images;
using Xunit;

namespace Federation.NodeAgent.Tests.Indexing;

/// <summary>
/// What counts and descriptions must be, computed the slow and obvious way from every image record in memory:
/// the summaries the node keeps in its database must give exactly these numbers.
/// </summary>
internal static class Expected
{
    private static readonly (string Key, int From, int To)[] AgeBands = [("0-17", 0, 17), ("18-39", 18, 39), ("40-59", 40, 59), ("60-79", 60, 79), ("80+", 80, 200)];

    public sealed record Subject(string Sex, int? Age);

    /// <summary>A dataset's images, its withdrawn subjects left out.</summary>
    public static IEnumerable<ImageRecord> Of(IEnumerable<ImageRecord> images, DatasetSettings dataset, IEnumerable<string> withdrawn)
    {
        var gone = withdrawn.ToHashSet(StringComparer.Ordinal);
        return images.Where(i => i.Collection == dataset.Collection && !gone.Contains(i.PatientId));
    }

    /// <summary>One row per subject among <paramref name="images"/>: sex, age at the first of these images' studies.</summary>
    public static List<Subject> Subjects(IEnumerable<ImageRecord> images) =>
        images.GroupBy(i => i.PatientId).Select(g => new Subject(g.Max(i => i.Sex)!, g.Min(i => i.StudyYear) - g.Min(i => i.BirthYear))).ToList();

    public static DatasetCount Count(IEnumerable<ImageRecord> images, DatasetSettings dataset, IEnumerable<string> withdrawn, SubjectFilter filter, int threshold)
    {
        var selected = Of(images, dataset, withdrawn)
            .Where(i => filter.Modality is null || i.Modality == filter.Modality.ToUpperInvariant())
            .Where(i => filter.BodyPart is null || i.BodyPart == filter.BodyPart.ToUpperInvariant());
        var subjects = Subjects(selected)
            .Where(s => filter.Sex is null || s.Sex == filter.Sex.ToUpperInvariant())
            .Where(s => filter.MinAge is null || s.Age >= filter.MinAge)
            .Where(s => filter.MaxAge is null || s.Age <= filter.MaxAge)
            .ToList();
        var (bySex, byAge) = Buckets(subjects, threshold);
        return new DatasetCount(dataset.Id, subjects.Count > 0, subjects.Count >= threshold || subjects.Count == 0 ? subjects.Count : null, bySex, byAge);
    }

    public static (List<CountBucket> Sex, List<CountBucket> Age) Buckets(List<Subject> subjects, int threshold)
    {
        int? Suppressed(int count) => count >= threshold ? count : null;
        return (
            subjects.GroupBy(s => s.Sex).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new CountBucket(g.Key, Suppressed(g.Count()))).ToList(),
            AgeBands.Select(b => new CountBucket(b.Key, Suppressed(subjects.Count(s => s.Age >= b.From && s.Age <= b.To)))).ToList());
    }

    /// <summary>Equal field by field (the records hold lists, which compare by reference).</summary>
    public static void Same(DatasetCount expected, DatasetCount? actual, string because)
    {
        Assert.NotNull(actual);
        Assert.True((expected.DatasetId, expected.Exists, expected.Subjects) == (actual.DatasetId, actual.Exists, actual.Subjects),
            $"{because}: expected {expected.Exists}/{expected.Subjects}, got {actual.Exists}/{actual.Subjects}");
        Assert.Equal(expected.Sex, actual.Sex);
        Assert.Equal(expected.AgeAtStudy, actual.AgeAtStudy);
    }

    /// <summary>Every image the source lists, page by page.</summary>
    public static async Task<List<ImageRecord>> All(IImageSource source)
    {
        var all = new List<ImageRecord>();
        for (var from = 0L; ;)
        {
            var page = await source.InstanceIds(from, 1000, CancellationToken.None);
            foreach (var id in page.Ids)
                all.Add((await source.Describe(id, CancellationToken.None))!);
            from = page.Next;
            if (page.Done)
                return all;
        }
    }
}
