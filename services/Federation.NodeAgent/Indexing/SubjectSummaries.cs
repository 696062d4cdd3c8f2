using Federation.NodeAgent.Data;

namespace Federation.NodeAgent.Indexing;

/// <summary>
/// Keeps the subject summaries (<see cref="IndexedSubject"/>, <see cref="SubjectKind"/>) equal to the image rows.
/// A changed subject's summary rows are recomputed from their image rows rather than adjusted by deltas: a
/// deletion or a changed image then needs no special case (minimum years, distinct studies), and repeating a
/// refresh (a page redone after a crash) gives the same rows. Call inside the transaction that changed the
/// image rows, after saving them, so that both commit or neither does. Plain SQL (see <see cref="IndexSql"/>):
/// the rows are rebuilt inside the database, none travels to the node and back.
/// </summary>
public static class SubjectSummaries
{
    // Subjects recomputed per statement: keeps the IN lists and the rows read per statement bounded.
    private const int Chunk = 200;

    public static async Task Refresh(NodeAgentDbContext db, IReadOnlyCollection<SubjectKey> subjects, CancellationToken cancellationToken)
    {
        foreach (var chunk in subjects.Distinct().Chunk(Chunk))
        {
            // The rows of every (collection, patient) pair built from these two lists are rebuilt: a few more than
            // asked when a chunk spans collections, which is harmless (a rebuild of an unchanged subject is a no-op).
            var (collections, collectionParameters) = IndexSql.In("c", chunk.Select(s => s.Collection).Distinct().ToList());
            var (patients, patientParameters) = IndexSql.In("p", chunk.Select(s => s.PatientId).Distinct().ToList());
            var parameters = collectionParameters.Concat(patientParameters).ToList();
            var of = $"collection IN ({collections}) AND patient_id IN ({patients})";
            await IndexSql.Execute(db, $"DELETE FROM indexed_subjects WHERE {of}", parameters, cancellationToken);
            await IndexSql.Execute(db, $"DELETE FROM indexed_subject_kinds WHERE {of}", parameters, cancellationToken);
            await IndexSql.Execute(db, $"""
                INSERT INTO indexed_subjects (collection, patient_id, sex, birth_year, first_study_year, last_study_year, studies, series, instances, size_bytes)
                SELECT collection, patient_id, MAX(sex), MIN(birth_year), MIN(study_year), MAX(study_year),
                    COUNT(DISTINCT study_uid), COUNT(DISTINCT series_uid), COUNT(*), SUM(size_bytes)
                FROM indexed_instances WHERE collection IS NOT NULL AND {of}
                GROUP BY collection, patient_id
                """, parameters, cancellationToken);
            await IndexSql.Execute(db, $"""
                INSERT INTO indexed_subject_kinds (collection, patient_id, modality, body_part, sex, birth_year, first_study_year)
                SELECT collection, patient_id, modality, body_part, MAX(sex), MIN(birth_year), MIN(study_year)
                FROM indexed_instances WHERE collection IS NOT NULL AND {of}
                GROUP BY collection, patient_id, modality, body_part
                """, parameters, cancellationToken);
        }
    }
}
