using Federation.NodeAgent.Data;
using Federation.NodeAgent.Images;
using Federation.NodeAgent.Publishing;
using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Federation.ServiceDefaults.Hosting;

namespace Federation.NodeAgent.Indexing;

/// <summary>
/// Follows the PACS's change log into the node's index and publishes each dataset's description when it
/// changes. A page of changes, the index rows it touches, their subjects' summaries, the cursor and the
/// resulting dataset events commit in one transaction: a crash repeats a page, never skips one, and never
/// publishes a description the index does not hold. The first start reconciles the whole store (images
/// present before the agent was installed, see <see cref="Reconciler"/>); afterwards a count mismatch
/// reconciles again, because Orthanc's change log records no deletions.
/// </summary>
public sealed class Indexer(
    IDbContextFactory<NodeAgentDbContext> factory,
    ServiceDatabase<NodeAgentDbContext> database,
    IImageSource source,
    IOptions<NodeAgentOptions> options,
    TimeProvider clock,
    ILogger<Indexer> log) : BackgroundService
{
    private readonly Reconciler reconciler = new(factory, source, Math.Clamp(options.Value.ReconcilePageSize, 1, 10_000), log);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await database.WhenSchemaReady(stoppingToken);
        await PollingLoop.Run(async ct => !await Step(ct), options.Value.PollInterval, TimeSpan.FromSeconds(1), clock, log, "Indexing", stoppingToken);
    }

    /// <summary>One unit of indexing; true when the change log had nothing more (time to wait).</summary>
    internal async Task<bool> Step(CancellationToken cancellationToken)
    {
        if (!await ReconciliationDue(cancellationToken))
            return await FollowLog(cancellationToken);
        await reconciler.Run(cancellationToken);
        return false; // the next step publishes what the pass changed
    }

    /// <summary>Whether a pass runs (begun by an earlier step, perhaps before a crash) or, at the first start, begins one.</summary>
    private async Task<bool> ReconciliationDue(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var cursor = await db.Cursors.FindAsync([1], cancellationToken);
        if (cursor is { ReconcileNext: not null })
            return true;
        if (cursor is { Reconciled: true })
            return false;
        if (cursor is null)
            db.Cursors.Add(cursor = new IndexCursor());
        // Where the log stands now: what was stored before is found by the pass, what comes after is followed from the log.
        var head = await source.ChangesSince(long.MaxValue - 1, cancellationToken);
        cursor.LastChange = Math.Max(cursor.LastChange, head.Last);
        Reconciler.Begin(cursor);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private async Task<bool> FollowLog(CancellationToken cancellationToken)
    {
        // The store's count is read before its log: an image stored after the count is then never mistaken for a
        // deletion (its arrival is in the log page, and the count is only compared after a page with no changes).
        var stored = await source.InstanceCount(cancellationToken);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var cursor = await db.Cursors.SingleAsync(c => c.Id == 1, cancellationToken);
        var page = await source.ChangesSince(cursor.LastChange, cancellationToken);
        var arrivals = page.Changes.Where(c => c.ChangeType == "NewInstance").Select(c => c.Id).Distinct(StringComparer.Ordinal).ToList();
        var changed = await Upsert(db, cursor, arrivals, cancellationToken);
        cursor.LastChange = page.Last;

        // Orthanc logs no deletions (it even drops the deleted resources' earlier entries), so once the log is read
        // the counts tell whether anything went away; only then is the whole store compared with the index.
        var mismatch = page.Done && page.Changes.Count == 0 && stored != cursor.Instances;
        if (mismatch)
        {
            log.LogInformation("The store holds {Stored} images, the index {Indexed}: reconciling", stored, cursor.Instances);
            Reconciler.Begin(cursor);
        }
        // Requests committed after this read are described again at the next step (see IndexCursor.DescriptionsPublished).
        var asked = cursor.DescriptionsAsked;
        var publish = changed.Count > 0 || cursor.DescriptionsPublished != asked;
        await db.SaveChangesAsync(cancellationToken); // the index first, so that the summaries and descriptions below read it
        await SubjectSummaries.Refresh(db, changed, cancellationToken);
        if (publish && !mismatch)
        {
            await DescriptionPublisher.PublishChanged(db, options.Value, clock, log, cancellationToken);
            cursor.DescriptionsPublished = asked;
            await db.SaveChangesAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return page.Done && !mismatch && page.Changes.Count == 0;
    }

    /// <summary>Adds, updates or (when gone from the store) removes the images of a page of arrivals; returns the subjects they touch.</summary>
    private async Task<List<SubjectKey>> Upsert(NodeAgentDbContext db, IndexCursor cursor, List<string> ids, CancellationToken cancellationToken)
    {
        var changed = new List<SubjectKey>();
        if (ids.Count == 0)
            return changed;
        var images = await ImageDescriptions.Of(source, ids, cancellationToken);
        var rows = await db.Instances.Where(i => ids.Contains(i.InstanceId)).ToDictionaryAsync(i => i.InstanceId, StringComparer.Ordinal, cancellationToken);
        for (var i = 0; i < ids.Count; i++)
        {
            var (image, row) = (images[i], rows.GetValueOrDefault(ids[i]));
            if (row is not null && (image is null || !row.Matches(image)) && row.Subject is { } before)
                changed.Add(before);
            if (image is null)
            {
                if (row is not null)
                {
                    db.Instances.Remove(row);
                    cursor.Instances--;
                }
                continue;
            }
            if (row is null)
            {
                row = new IndexedInstance { Pass = cursor.ReconcilePass };
                row.Apply(image); // the key first: EF tracks a new row by it
                db.Instances.Add(row);
                cursor.Instances++;
            }
            else if (row.Matches(image))
                continue;
            else
                row.Apply(image);
            if (row.Subject is { } after)
                changed.Add(after);
        }
        return changed;
    }
}
