using System.Diagnostics;
using Federation.NodeAgent.Data;
using Federation.NodeAgent.Images;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Federation.NodeAgent.Indexing;

/// <summary>
/// Makes the index equal to the store by mark and sweep, in memory bounded by one page whatever the store's
/// size. Pass n pages through the store's listing: ids the index has are stamped with n, the others are
/// described and added with n. When the listing ends, rows still stamped with an older pass are images gone
/// from the store, and are deleted. Each page commits on its own, with the pass's position in the listing, so
/// a crash resumes the pass where it stopped and a page redone adds nothing twice (what it added is found and
/// only stamped). A row is deleted only after a complete pass did not see it. Subject summaries change in the
/// same transactions as the rows they sum.
/// </summary>
internal sealed class Reconciler(IDbContextFactory<NodeAgentDbContext> factory, IImageSource source, int pageSize, ILogger log)
{
    // Subjects whose deleted images are swept per transaction.
    private const int SweepChunk = 200;

    /// <summary>Starts a new pass on the cursor (committed by the caller, with whatever made it necessary).</summary>
    public static void Begin(IndexCursor cursor)
    {
        cursor.ReconcilePass++;
        cursor.ReconcileNext = 0;
    }

    /// <summary>Runs the pass the cursor has begun, or resumes it, to its end.</summary>
    public async Task Run(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var (pages, added) = (0, 0L);
        while (true)
        {
            var (done, count) = await Page(cancellationToken);
            (pages, added) = (pages + 1, added + count);
            if (done)
                break;
        }
        var (deleted, total) = await Sweep(cancellationToken);
        log.LogInformation("Index reconciled with the store in {Seconds:N1} s: {Pages} pages, {Added} images added, {Deleted} gone, {Total} indexed",
            watch.Elapsed.TotalSeconds, pages, added, deleted, total);
    }

    /// <summary>One page of the listing in one transaction: whether the listing is done, and how many images were added.</summary>
    private async Task<(bool Done, int Added)> Page(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var cursor = await db.Cursors.SingleAsync(c => c.Id == 1, cancellationToken);
        if (cursor.ReconcileNext is not { } from)
            return (true, 0);
        var pass = cursor.ReconcilePass;
        var page = await source.InstanceIds(from, pageSize, cancellationToken);
        var ids = page.Ids.Distinct(StringComparer.Ordinal).ToList();

        var (list, idParameters) = IndexSql.In("i", ids);
        HashSet<string> known = ids.Count == 0 ? [] : (await IndexSql.Read(db, $"SELECT instance_id FROM indexed_instances WHERE instance_id IN ({list})",
            idParameters, r => r.GetString(0), cancellationToken)).ToHashSet(StringComparer.Ordinal);
        if (known.Count > 0)
            await IndexSql.Execute(db, $"UPDATE indexed_instances SET pass = @pass WHERE instance_id IN ({list}) AND pass <> @pass",
                idParameters.Append(("pass", pass)), cancellationToken);
        var missing = ids.Where(id => !known.Contains(id)).ToList();
        var rows = new List<IndexedInstance>(missing.Count);
        foreach (var image in await ImageDescriptions.Of(source, missing, cancellationToken))
        {
            if (image is null)
                continue; // deleted since it was listed
            var row = new IndexedInstance { Pass = pass };
            row.Apply(image);
            rows.Add(row);
        }
        await IndexRows.Insert(db, rows, cancellationToken);
        cursor.ReconcileNext = page.Next;
        await db.SaveChangesAsync(cancellationToken);
        await SubjectSummaries.Refresh(db, rows.Select(r => r.Subject).OfType<SubjectKey>().ToList(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (page.Done, rows.Count);
    }

    /// <summary>Deletes what the finished pass did not see, a few subjects per transaction, then ends the pass.</summary>
    private async Task<(long Deleted, long Total)> Sweep(CancellationToken cancellationToken)
    {
        long pass;
        List<SubjectKey> losing;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            pass = (await db.Cursors.AsNoTracking().SingleAsync(c => c.Id == 1, cancellationToken)).ReconcilePass;
            // One scan names the subjects that lost images: as many as subjects at most, never as many as images.
            losing = await IndexSql.Read(db, "SELECT DISTINCT collection, patient_id FROM indexed_instances WHERE pass < @pass AND collection IS NOT NULL",
                [("pass", pass)], r => new SubjectKey(r.GetString(0), r.GetString(1)), cancellationToken);
        }
        var deleted = 0L;
        foreach (var chunk in losing.Chunk(SweepChunk))
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var (collections, collectionParameters) = IndexSql.In("c", chunk.Select(s => s.Collection).Distinct().ToList());
            var (patients, patientParameters) = IndexSql.In("p", chunk.Select(s => s.PatientId).Distinct().ToList());
            deleted += await IndexSql.Execute(db,
                $"DELETE FROM indexed_instances WHERE pass < @pass AND collection IN ({collections}) AND patient_id IN ({patients})",
                collectionParameters.Concat(patientParameters).Append(("pass", pass)), cancellationToken);
            await SubjectSummaries.Refresh(db, chunk, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // Images outside any collection count in no summary: one statement.
            deleted += await IndexSql.Execute(db, "DELETE FROM indexed_instances WHERE pass < @pass AND collection IS NULL", [("pass", pass)], cancellationToken);
            await DescriptionRequests.Ask(db, cancellationToken);
            var cursor = await db.Cursors.SingleAsync(c => c.Id == 1, cancellationToken);
            cursor.Instances = (await IndexSql.Read(db, "SELECT COUNT(*) FROM indexed_instances", [], r => IndexSql.Long(r, 0), cancellationToken)).Single();
            cursor.ReconcileNext = null;
            cursor.Reconciled = true;
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return (deleted, cursor.Instances);
        }
    }
}
