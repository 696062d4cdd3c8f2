using Federation.NodeAgent.Data;
using Microsoft.EntityFrameworkCore;

namespace Federation.NodeAgent.Indexing;

/// <summary>
/// Keeps the subject summaries (<see cref="IndexedSubject"/>, <see cref="SubjectKind"/>) equal to the image rows.
/// A changed subject's summary rows are recomputed from their image rows rather than adjusted by deltas: a
/// deletion or a changed image then needs no special case (minimum years, distinct studies), and repeating a
/// refresh (a page redone after a crash) gives the same rows. Call inside the transaction that changed the
/// image rows, after saving them, so that both commit or neither does.
/// </summary>
public static class SubjectSummaries
{
    // Subjects recomputed per statement: keeps the IN lists and the rows read per statement bounded.
    private const int Chunk = 200;

    public static async Task Refresh(NodeAgentDbContext db, IReadOnlyCollection<SubjectKey> subjects, CancellationToken cancellationToken)
    {
        // Rows added by an earlier refresh on this context would clash with the rebuilt ones: the database has them.
        foreach (var entry in db.ChangeTracker.Entries().Where(e => e.Entity is IndexedSubject or SubjectKind).ToList())
            entry.State = EntityState.Detached;
        foreach (var chunk in subjects.Distinct().Chunk(Chunk))
        {
            // The rows of every (collection, patient) pair built from these two lists are rebuilt: a few more than
            // asked when a chunk spans collections, which is harmless (a rebuild of an unchanged subject is a no-op).
            var collections = chunk.Select(s => s.Collection).Distinct().ToList();
            var patients = chunk.Select(s => s.PatientId).Distinct().ToList();
            await db.Subjects.Where(s => collections.Contains(s.Collection) && patients.Contains(s.PatientId)).ExecuteDeleteAsync(cancellationToken);
            await db.SubjectKinds.Where(k => collections.Contains(k.Collection) && patients.Contains(k.PatientId)).ExecuteDeleteAsync(cancellationToken);

            var images = db.Instances.AsNoTracking().Where(i => i.Collection != null && collections.Contains(i.Collection) && patients.Contains(i.PatientId));
            db.Subjects.AddRange(await images.GroupBy(i => new { i.Collection, i.PatientId }).Select(g => new IndexedSubject
            {
                Collection = g.Key.Collection!,
                PatientId = g.Key.PatientId,
                Sex = g.Max(i => i.Sex)!,
                BirthYear = g.Min(i => i.BirthYear),
                FirstStudyYear = g.Min(i => i.StudyYear),
                LastStudyYear = g.Max(i => i.StudyYear),
                Studies = g.Select(i => i.StudyUid).Distinct().Count(),
                Series = g.Select(i => i.SeriesUid).Distinct().Count(),
                Instances = g.LongCount(),
                SizeBytes = g.Sum(i => i.SizeBytes),
            }).ToListAsync(cancellationToken));
            db.SubjectKinds.AddRange(await images.GroupBy(i => new { i.Collection, i.PatientId, i.Modality, i.BodyPart }).Select(g => new SubjectKind
            {
                Collection = g.Key.Collection!,
                PatientId = g.Key.PatientId,
                Modality = g.Key.Modality,
                BodyPart = g.Key.BodyPart,
                Sex = g.Max(i => i.Sex)!,
                BirthYear = g.Min(i => i.BirthYear),
                FirstStudyYear = g.Min(i => i.StudyYear),
            }).ToListAsync(cancellationToken));
        }
        await db.SaveChangesAsync(cancellationToken);
    }
}
