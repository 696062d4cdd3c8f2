using Federation.Contracts.Discovery;
using Federation.NodeAgent.Data;
using Federation.NodeAgent.Indexing;
using Microsoft.EntityFrameworkCore;

namespace Federation.NodeAgent.Publishing;

/// <summary>
/// Subject-level counting over the index, in the database, shared by dataset descriptions and federated
/// count queries: one row per subject (sex, age at first study), then counts per sex and age band with
/// every cell under the small-cell threshold left without its number.
/// </summary>
public static class SubjectCounts
{
    /// <summary>One subject's row (a class with settable members: EF translates member initialisation, not constructors, in a grouping).</summary>
    public sealed class Subject
    {
        public string Sex { get; init; } = "O";
        public int? Age { get; init; }
    }

    private static readonly (string Key, int From, int To)[] AgeBands = [("0-17", 0, 17), ("18-39", 18, 39), ("40-59", 40, 59), ("60-79", 60, 79), ("80+", 80, 200)];

    /// <summary>A dataset's images, without the subjects who withdrew consent (they are not in the dataset any more, for any count).</summary>
    public static IQueryable<IndexedInstance> Images(NodeAgentDbContext db, DatasetSettings dataset) =>
        db.Instances.AsNoTracking().Where(i => i.Collection == dataset.Collection
            && !db.Withdrawn.Any(w => w.DatasetId == dataset.Id && w.SubjectId == i.PatientId));

    public static IQueryable<Subject> Subjects(IQueryable<IndexedInstance> images) =>
        images.GroupBy(i => i.PatientId).Select(g => new Subject { Sex = g.Max(i => i.Sex)!, Age = g.Min(i => i.StudyYear) - g.Min(i => i.BirthYear) });

    public static async Task<(int Subjects, List<CountBucket> Sex, List<CountBucket> AgeAtStudy)> Of(
        IQueryable<Subject> subjects, int threshold, CancellationToken cancellationToken)
    {
        var bySex = await subjects.GroupBy(s => s.Sex).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var ages = await subjects.Where(s => s.Age != null).GroupBy(s => s.Age).Select(g => new { Age = g.Key!.Value, Count = g.Count() }).ToListAsync(cancellationToken);
        int? Suppressed(int count) => count >= threshold ? count : null;
        return (
            bySex.Sum(s => s.Count),
            bySex.OrderBy(s => s.Key).Select(s => new CountBucket(s.Key ?? "O", Suppressed(s.Count))).ToList(),
            AgeBands.Select(b => new CountBucket(b.Key, Suppressed(ages.Where(a => a.Age >= b.From && a.Age <= b.To).Sum(a => a.Count)))).ToList());
    }

    /// <summary>The answer to a federated count query for one dataset, the small-cell rule applied to the total too.</summary>
    public static async Task<DatasetCount?> Count(NodeAgentDbContext db, DatasetSettings dataset, SubjectFilter filter, int threshold, CancellationToken cancellationToken)
    {
        if (filter.DatasetIds is { Count: > 0 } ids && !ids.Contains(dataset.Id))
            return null;
        if (filter.CancerType is { } cancerType && !string.Equals(cancerType, dataset.CancerType, StringComparison.OrdinalIgnoreCase))
            return new DatasetCount(dataset.Id, false, 0, [], []);
        var images = Images(db, dataset);
        if (filter.Modality is { } modality)
        {
            var wanted = modality.ToUpperInvariant();
            images = images.Where(i => i.Modality == wanted);
        }
        if (filter.BodyPart is { } bodyPart)
        {
            var wanted = bodyPart.ToUpperInvariant();
            images = images.Where(i => i.BodyPart == wanted);
        }
        var subjects = Subjects(images);
        if (filter.Sex is { } sex)
            subjects = subjects.Where(s => s.Sex == sex.ToUpperInvariant());
        if (filter.MinAge is { } minAge)
            subjects = subjects.Where(s => s.Age >= minAge);
        if (filter.MaxAge is { } maxAge)
            subjects = subjects.Where(s => s.Age <= maxAge);
        var (total, bySex, byAge) = await Of(subjects, threshold, cancellationToken);
        return new DatasetCount(dataset.Id, total > 0, total >= threshold || total == 0 ? total : null, bySex, byAge);
    }
}
