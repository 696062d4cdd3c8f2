using Federation.Contracts.Discovery;
using Federation.NodeAgent.Data;
using Microsoft.EntityFrameworkCore;

namespace Federation.NodeAgent.Publishing;

/// <summary>
/// Computes a dataset's description from the node's index, in the database (the index may hold millions
/// of rows): counts, sizes, modalities, body parts, years, and subject-level distributions with small cells
/// suppressed. Nothing subject-level leaves this class.
/// </summary>
public static class DatasetDescriber
{
    private static readonly (string Key, int From, int To)[] AgeBands = [("0-17", 0, 17), ("18-39", 18, 39), ("40-59", 40, 59), ("60-79", 60, 79), ("80+", 80, 200)];

    public static async Task<DatasetDescription?> Describe(NodeAgentDbContext db, DatasetSettings dataset, NodeAgentOptions node, CancellationToken cancellationToken)
    {
        // Subjects who withdrew consent are not in the dataset any more, for any count.
        var images = db.Instances.AsNoTracking().Where(i => i.Collection == dataset.Collection
            && !db.Withdrawn.Any(w => w.DatasetId == dataset.Id && w.SubjectId == i.PatientId));
        var totals = await images.GroupBy(_ => 1).Select(g => new
        {
            Instances = g.LongCount(),
            Size = g.Sum(i => i.SizeBytes),
            FirstYear = g.Min(i => i.StudyYear),
            LastYear = g.Max(i => i.StudyYear),
        }).FirstOrDefaultAsync(cancellationToken);
        if (totals is null)
            return null;

        // One row per subject: their sex and age at their first study.
        var subjects = images.GroupBy(i => i.PatientId).Select(g => new
        {
            Sex = g.Max(i => i.Sex),
            Age = g.Min(i => i.StudyYear) - g.Min(i => i.BirthYear),
        });
        var bySex = await subjects.GroupBy(s => s.Sex).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var ages = await subjects.Where(s => s.Age != null).GroupBy(s => s.Age).Select(g => new { Age = g.Key!.Value, Count = g.Count() }).ToListAsync(cancellationToken);

        int? Suppressed(int count) => count >= node.SmallCellThreshold ? count : null;
        return new DatasetDescription(
            dataset.Id,
            dataset.Title,
            dataset.Description,
            node.DataHolder,
            node.NodeName,
            node.Country,
            dataset.CancerType,
            dataset.CancerTypeLabel,
            await images.Select(i => i.BodyPart).Where(b => b != "").Distinct().OrderBy(b => b).ToListAsync(cancellationToken),
            await images.Select(i => i.Modality).Where(m => m != "").Distinct().OrderBy(m => m).ToListAsync(cancellationToken),
            bySex.Sum(s => s.Count),
            await images.Select(i => i.StudyUid).Distinct().CountAsync(cancellationToken),
            await images.Select(i => i.SeriesUid).Distinct().CountAsync(cancellationToken),
            totals.Instances,
            totals.Size,
            AgeBands.Select(b => new CountBucket(b.Key, Suppressed(ages.Where(a => a.Age >= b.From && a.Age <= b.To).Sum(a => a.Count)))).ToList(),
            bySex.OrderBy(s => s.Key).Select(s => new CountBucket(s.Key ?? "O", Suppressed(s.Count))).ToList(),
            totals.FirstYear,
            totals.LastYear,
            dataset.AccessModel,
            $"/api/consent/datasets/{Uri.EscapeDataString(dataset.Id)}/conditions",
            $"urn:federation:dataset:{Uri.EscapeDataString(dataset.Id)}");
    }
}
