using Federation.Contracts.Discovery;
using Federation.NodeAgent.Data;
using Microsoft.EntityFrameworkCore;

namespace Federation.NodeAgent.Publishing;

/// <summary>
/// Computes a dataset's description from the node's index, in the database, from the subject summaries
/// (thousands of rows where the image rows are millions): counts, sizes, modalities, body parts, years, and
/// subject-level distributions with small cells suppressed. Nothing subject-level leaves this class.
/// </summary>
public static class DatasetDescriber
{
    public static async Task<DatasetDescription?> Describe(NodeAgentDbContext db, DatasetSettings dataset, NodeAgentOptions node, CancellationToken cancellationToken)
    {
        var subjects = SubjectCounts.Subjects(db, dataset);
        // A subject's studies and series are their own (UIDs are unique), so the dataset's are the sums.
        var totals = await subjects.GroupBy(_ => 1).Select(g => new
        {
            Studies = g.Sum(s => s.Studies),
            Series = g.Sum(s => s.Series),
            Instances = g.Sum(s => s.Instances),
            Size = g.Sum(s => s.SizeBytes),
            FirstYear = g.Min(s => s.FirstStudyYear),
            LastYear = g.Max(s => s.LastStudyYear),
        }).SingleOrDefaultAsync(cancellationToken); // one group or none: Single, so EF does not warn about an unordered First
        if (totals is null)
            return null;

        var kinds = SubjectCounts.Kinds(db, dataset);
        var (subjectCount, sex, ageAtStudy) = await SubjectCounts.Tally(SubjectCounts.Of(subjects), node.SmallCellThreshold, cancellationToken);
        return new DatasetDescription(
            dataset.Id,
            dataset.Title,
            dataset.Description,
            node.DataHolder,
            node.NodeName,
            node.Country,
            dataset.CancerType,
            dataset.CancerTypeLabel,
            await kinds.Select(k => k.BodyPart).Where(b => b != "").Distinct().OrderBy(b => b).ToListAsync(cancellationToken),
            await kinds.Select(k => k.Modality).Where(m => m != "").Distinct().OrderBy(m => m).ToListAsync(cancellationToken),
            subjectCount,
            totals.Studies,
            totals.Series,
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
