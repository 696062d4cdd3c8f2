using Federation.Contracts.Discovery;
using Federation.NodeAgent.Data;
using Federation.NodeAgent.Indexing;
using Microsoft.EntityFrameworkCore;

namespace Federation.NodeAgent.Publishing;

/// <summary>
/// Subject-level counting, in the database, shared by dataset descriptions and federated count queries. It
/// reads the subject summaries (one row per subject, or per subject and kind of image), never the image rows:
/// a count touches thousands of rows on a node holding millions of images. One row per subject (sex, age at
/// first study), then counts per sex and age band with every cell under the small-cell threshold left without its number.
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

    /// <summary>A dataset's subjects, without those who withdrew consent (they are not in the dataset any more, for any count).</summary>
    public static IQueryable<IndexedSubject> Subjects(NodeAgentDbContext db, DatasetSettings dataset) =>
        db.Subjects.AsNoTracking().Where(s => s.Collection == dataset.Collection
            && !db.Withdrawn.Any(w => w.DatasetId == dataset.Id && w.SubjectId == s.PatientId));

    /// <summary>The same, per kind of image (modality and body part).</summary>
    public static IQueryable<SubjectKind> Kinds(NodeAgentDbContext db, DatasetSettings dataset) =>
        db.SubjectKinds.AsNoTracking().Where(k => k.Collection == dataset.Collection
            && !db.Withdrawn.Any(w => w.DatasetId == dataset.Id && w.SubjectId == k.PatientId));

    public static IQueryable<Subject> Of(IQueryable<IndexedSubject> subjects) =>
        subjects.Select(s => new Subject { Sex = s.Sex, Age = s.FirstStudyYear - s.BirthYear });

    /// <summary>Subjects with images of the kinds given, aged at their first study of those kinds.</summary>
    public static IQueryable<Subject> Of(IQueryable<SubjectKind> kinds) =>
        kinds.GroupBy(k => k.PatientId).Select(g => new Subject { Sex = g.Max(k => k.Sex)!, Age = g.Min(k => k.FirstStudyYear) - g.Min(k => k.BirthYear) });

    /// <summary>The number of subjects and their distributions by sex and age band, small cells suppressed: one query.</summary>
    public static async Task<(int Subjects, List<CountBucket> Sex, List<CountBucket> AgeAtStudy)> Tally(
        IQueryable<Subject> subjects, int threshold, CancellationToken cancellationToken)
    {
        var cells = await subjects.GroupBy(s => new { s.Sex, s.Age }).Select(g => new { g.Key.Sex, g.Key.Age, Count = g.Count() }).ToListAsync(cancellationToken);
        int? Suppressed(int count) => count >= threshold ? count : null;
        return (
            cells.Sum(c => c.Count),
            cells.GroupBy(c => c.Sex ?? "O", StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new CountBucket(g.Key, Suppressed(g.Sum(c => c.Count)))).ToList(),
            AgeBands.Select(b => new CountBucket(b.Key, Suppressed(cells.Where(c => c.Age >= b.From && c.Age <= b.To).Sum(c => c.Count)))).ToList());
    }

    /// <summary>The answer to a federated count query for one dataset, the small-cell rule applied to the total too.</summary>
    public static async Task<DatasetCount?> Count(NodeAgentDbContext db, DatasetSettings dataset, SubjectFilter filter, int threshold, CancellationToken cancellationToken)
    {
        if (filter.DatasetIds is { Count: > 0 } ids && !ids.Contains(dataset.Id))
            return null;
        if (filter.CancerType is { } cancerType && !string.Equals(cancerType, dataset.CancerType, StringComparison.OrdinalIgnoreCase))
            return new DatasetCount(dataset.Id, false, 0, [], []);
        // Two query shapes whatever the filter (absent criteria are null parameters, not other queries): EF Core then
        // translates and compiles each shape once, not once per combination of criteria researchers happen to send.
        var (modality, bodyPart, sex) = (filter.Modality?.ToUpperInvariant(), filter.BodyPart?.ToUpperInvariant(), filter.Sex?.ToUpperInvariant());
        var (minAge, maxAge) = (filter.MinAge, filter.MaxAge);
        var subjects = modality is null && bodyPart is null
            ? Of(Subjects(db, dataset)) // one row per subject: the smallest table that answers
            : Of(Kinds(db, dataset).Where(k => (modality == null || k.Modality == modality) && (bodyPart == null || k.BodyPart == bodyPart)));
        subjects = subjects.Where(s => (sex == null || s.Sex == sex) && (minAge == null || s.Age >= minAge) && (maxAge == null || s.Age <= maxAge));
        var (total, bySex, byAge) = await Tally(subjects, threshold, cancellationToken);
        return new DatasetCount(dataset.Id, total > 0, total >= threshold || total == 0 ? total : null, bySex, byAge);
    }
}
