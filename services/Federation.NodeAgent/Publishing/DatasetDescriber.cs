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
    public static async Task<DatasetDescription?> Describe(NodeAgentDbContext db, DatasetSettings dataset, NodeAgentOptions node, CancellationToken cancellationToken)
    {
        var images = SubjectCounts.Images(db, dataset);
        var totals = await images.GroupBy(_ => 1).Select(g => new
        {
            Instances = g.LongCount(),
            Size = g.Sum(i => i.SizeBytes),
            FirstYear = g.Min(i => i.StudyYear),
            LastYear = g.Max(i => i.StudyYear),
        }).FirstOrDefaultAsync(cancellationToken);
        if (totals is null)
            return null;

        var (subjectCount, sex, ageAtStudy) = await SubjectCounts.Of(SubjectCounts.Subjects(images), node.SmallCellThreshold, cancellationToken);
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
            subjectCount,
            await images.Select(i => i.StudyUid).Distinct().CountAsync(cancellationToken),
            await images.Select(i => i.SeriesUid).Distinct().CountAsync(cancellationToken),
            totals.Instances,
            totals.Size,
            ageAtStudy,
            sex,
            totals.FirstYear,
            totals.LastYear,
            dataset.AccessModel,
            $"/api/consent/datasets/{Uri.EscapeDataString(dataset.Id)}/conditions",
            $"urn:federation:dataset:{Uri.EscapeDataString(dataset.Id)}");
    }
}
