using System.Text;
using Federation.Contracts.Discovery;
using Federation.NodeAgent.Data;

namespace Federation.NodeAgent.Publishing;

/// <summary>
/// Subject-level counting, in the database, shared by dataset descriptions and federated count queries. It
/// reads the subject summaries (one row per subject, or per subject and kind of image), never the image rows:
/// a count touches thousands of rows on a node holding millions of images. One row per subject (sex, age at
/// first study), then counts per sex and age band with every cell under the small-cell threshold left without its number.
/// Plain SQL (see <see cref="IndexSql"/>): only the criteria a query has are in its text.
/// </summary>
public static class SubjectCounts
{
    /// <summary>Subjects of one sex and age (at first study; none when a year is unknown), and how many.</summary>
    public readonly record struct Cell(string Sex, int? Age, int Count);

    private static readonly (string Key, int From, int To)[] AgeBands = [("0-17", 0, 17), ("18-39", 18, 39), ("40-59", 40, 59), ("60-79", 60, 79), ("80+", 80, 200)];

    /// <summary>
    /// Keeps a dataset's rows of the summary table aliased <paramref name="alias"/> (parameters <c>@collection</c>, <c>@dataset</c>):
    /// its collection, without the subjects who withdrew consent (they are not in the dataset any more, for any count).
    /// </summary>
    internal static string OfDataset(string alias) =>
        $"{alias}.collection = @collection AND NOT EXISTS (SELECT 1 FROM withdrawn_subjects w WHERE w.dataset_id = @dataset AND w.subject_id = {alias}.patient_id)";

    internal static (string, object)[] DatasetParameters(DatasetSettings dataset) => [("collection", dataset.Collection), ("dataset", dataset.Id)];

    // One row per subject: the smallest table that answers when no kind of image is asked for.
    private const string Subjects = "SELECT s.sex AS sex, s.first_study_year - s.birth_year AS age FROM indexed_subjects s WHERE ";

    /// <summary>The dataset's subjects as (sex, age) cells; <paramref name="criteria"/> (on <c>sex</c> and <c>age</c>) narrow them.</summary>
    internal static Task<List<Cell>> Cells(NodeAgentDbContext db, string subjects, string criteria, IEnumerable<(string, object)> parameters,
        CancellationToken cancellationToken) =>
        IndexSql.Read(db, $"SELECT sex, age, COUNT(*) FROM ({subjects}) t{criteria} GROUP BY sex, age", parameters,
            r => new Cell(r.IsDBNull(0) ? "O" : r.GetString(0), IndexSql.NullableInt(r, 1), (int)IndexSql.Long(r, 2)), cancellationToken);

    /// <summary>All of a dataset's subjects as (sex, age) cells.</summary>
    internal static Task<List<Cell>> Cells(NodeAgentDbContext db, DatasetSettings dataset, CancellationToken cancellationToken) =>
        Cells(db, Subjects + OfDataset("s"), "", DatasetParameters(dataset), cancellationToken);

    /// <summary>The number of subjects and their distributions by sex and age band, small cells suppressed.</summary>
    public static (int Subjects, List<CountBucket> Sex, List<CountBucket> AgeAtStudy) Tally(IReadOnlyList<Cell> cells, int threshold)
    {
        int? Suppressed(int count) => count >= threshold ? count : null;
        return (
            cells.Sum(c => c.Count),
            cells.GroupBy(c => c.Sex, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
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
        var parameters = DatasetParameters(dataset).ToList();
        string subjects;
        if (filter.Modality is null && filter.BodyPart is null)
            subjects = Subjects + OfDataset("s");
        else
        {
            // Subjects with images of the kinds asked for, aged at their first study of those kinds.
            var kinds = new StringBuilder("SELECT MAX(k.sex) AS sex, MIN(k.first_study_year) - MIN(k.birth_year) AS age FROM indexed_subject_kinds k WHERE ")
                .Append(OfDataset("k"));
            Criterion(kinds, parameters, "k.modality =", "modality", filter.Modality?.ToUpperInvariant());
            Criterion(kinds, parameters, "k.body_part =", "body_part", filter.BodyPart?.ToUpperInvariant());
            subjects = kinds.Append(" GROUP BY k.patient_id").ToString();
        }
        var criteria = new StringBuilder();
        Criterion(criteria, parameters, "t.sex =", "sex", filter.Sex?.ToUpperInvariant());
        Criterion(criteria, parameters, "t.age >=", "min_age", filter.MinAge);
        Criterion(criteria, parameters, "t.age <=", "max_age", filter.MaxAge);
        var where = criteria.Length == 0 ? "" : " WHERE " + criteria.ToString()[" AND ".Length..];
        var (total, bySex, byAge) = Tally(await Cells(db, subjects, where, parameters, cancellationToken), threshold);
        return new DatasetCount(dataset.Id, total > 0, total >= threshold || total == 0 ? total : null, bySex, byAge);
    }

    /// <summary>Appends " AND {test} @name" when the filter has the criterion; an absent criterion is no text at all.</summary>
    private static void Criterion(StringBuilder sql, List<(string, object)> parameters, string test, string name, object? value)
    {
        if (value is null)
            return;
        sql.Append($" AND {test} @{name}");
        parameters.Add((name, value));
    }
}
