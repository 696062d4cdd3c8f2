using Federation.Contracts.Discovery;
using Federation.NodeAgent.Data;

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
        var parameters = SubjectCounts.DatasetParameters(dataset);
        // A subject's studies and series are their own (UIDs are unique), so the dataset's are the sums.
        var totals = (await IndexSql.Read(db, $"""
            SELECT COUNT(*), SUM(s.studies), SUM(s.series), SUM(s.instances), SUM(s.size_bytes), MIN(s.first_study_year), MAX(s.last_study_year)
            FROM indexed_subjects s WHERE {SubjectCounts.OfDataset("s")}
            """, parameters, r => new
        {
            Subjects = IndexSql.Long(r, 0),
            Studies = (int)IndexSql.Long(r, 1),
            Series = (int)IndexSql.Long(r, 2),
            Instances = IndexSql.Long(r, 3),
            Size = IndexSql.Long(r, 4),
            FirstYear = IndexSql.NullableInt(r, 5),
            LastYear = IndexSql.NullableInt(r, 6),
        }, cancellationToken)).Single();
        if (totals.Subjects == 0)
            return null;

        Task<List<string>> Distinct(string column) => IndexSql.Read(db,
            $"SELECT DISTINCT k.{column} FROM indexed_subject_kinds k WHERE {SubjectCounts.OfDataset("k")} AND k.{column} <> '' ORDER BY k.{column}",
            parameters, r => r.GetString(0), cancellationToken);
        var (subjectCount, sex, ageAtStudy) = SubjectCounts.Tally(await SubjectCounts.Cells(db, dataset, cancellationToken), node.SmallCellThreshold);
        return new DatasetDescription(
            dataset.Id,
            dataset.Title,
            dataset.Description,
            node.DataHolder,
            node.NodeName,
            node.Country,
            dataset.CancerType,
            dataset.CancerTypeLabel,
            await Distinct("body_part"),
            await Distinct("modality"),
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
