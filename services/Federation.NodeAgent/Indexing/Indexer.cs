using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Federation.Contracts;
using Federation.Contracts.Discovery;
using Federation.NodeAgent.Data;
using Federation.NodeAgent.Images;
using Federation.NodeAgent.Publishing;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Federation.NodeAgent.Indexing;

/// <summary>
/// Follows the PACS's change log into the node's index and publishes each dataset's description when it
/// changes. A page of changes, the index rows it touches, the cursor and the resulting dataset events
/// commit in one transaction: a crash repeats a page, never skips one, and never publishes a description
/// the index does not hold. The first pass reconciles the whole store (images present before the agent
/// was installed); afterwards a count mismatch reconciles again, because Orthanc's change log records no
/// deletions.
/// </summary>
public sealed class Indexer(
    IDbContextFactory<NodeAgentDbContext> factory,
    ServiceDatabase<NodeAgentDbContext> database,
    IImageSource source,
    IOptions<NodeAgentOptions> options,
    TimeProvider clock,
    ILogger<Indexer> log) : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await database.WhenSchemaReady(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await Step(stoppingToken))
                    await Task.Delay(options.Value.PollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                log.LogWarning("Indexing paused: {Error}", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken);
            }
        }
    }

    /// <summary>One unit of indexing; true when the change log had nothing more (time to wait).</summary>
    internal async Task<bool> Step(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var cursor = await db.Cursors.FindAsync([1], cancellationToken);
        if (cursor is null)
            db.Cursors.Add(cursor = new IndexCursor());

        bool done;
        if (!cursor.Reconciled)
        {
            // Where the log stands now: whatever happens after this is followed from the log.
            var head = await source.ChangesSince(long.MaxValue - 1, cancellationToken);
            await Reconcile(db, cancellationToken);
            cursor.LastChange = Math.Max(cursor.LastChange, head.Last);
            cursor.Reconciled = true;
            done = false;
        }
        else
        {
            var page = await source.ChangesSince(cursor.LastChange, cancellationToken);
            foreach (var change in page.Changes.Where(c => c.ChangeType == "NewInstance"))
                await Upsert(db, change.Id, cancellationToken);
            cursor.LastChange = page.Last;
            done = page.Done;
            // Orthanc logs no deletions (it even drops the deleted resources' earlier entries), so once the log is
            // read a count tells whether anything went away; only then is the whole store compared with the index.
            var reconciled = false;
            if (page.Done)
            {
                await db.SaveChangesAsync(cancellationToken);
                if (await source.InstanceCount(cancellationToken) != await db.Instances.LongCountAsync(cancellationToken))
                {
                    await Reconcile(db, cancellationToken);
                    reconciled = true;
                }
            }
            if (page.Changes.Count == 0 && !reconciled && !cursor.DescriptionsStale)
            {
                await db.SaveChangesAsync(cancellationToken);
                return true;
            }
        }
        await db.SaveChangesAsync(cancellationToken); // the index first, so the descriptions below read it
        await PublishChanged(db, cancellationToken);
        cursor.DescriptionsStale = false;
        await db.SaveChangesAsync(cancellationToken);
        return done;
    }

    private async Task Upsert(NodeAgentDbContext db, string instanceId, CancellationToken cancellationToken)
    {
        var image = await source.Describe(instanceId, cancellationToken);
        var row = await db.Instances.FindAsync([instanceId], cancellationToken);
        if (image is null)
        {
            if (row is not null)
                db.Instances.Remove(row);
            return;
        }
        if (row is null)
        {
            row = new IndexedInstance();
            row.Apply(image); // the key first: EF tracks a new row by it
            db.Instances.Add(row);
        }
        else
            row.Apply(image);
    }

    private const int ReconcilePage = 500;

    /// <summary>
    /// Makes the index equal to the store: removes what is gone, adds what is missing, a page at a time, each
    /// page committed on its own with a fresh context (a large store never sits in one change tracker). A crash
    /// midway is harmless: the cursor is not marked reconciled until the caller commits, so the next pass
    /// compares again and only the rest is done.
    /// </summary>
    private async Task Reconcile(NodeAgentDbContext db, CancellationToken cancellationToken)
    {
        var present = (await source.AllInstanceIds(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var indexed = (await db.Instances.AsNoTracking().Select(i => i.InstanceId).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in indexed.Except(present).Chunk(ReconcilePage))
            await db.Instances.Where(i => gone.Contains(i.InstanceId)).ExecuteDeleteAsync(cancellationToken);
        foreach (var arrived in present.Except(indexed).Chunk(ReconcilePage))
        {
            await using var page = await factory.CreateDbContextAsync(cancellationToken);
            foreach (var id in arrived)
                if (await source.Describe(id, cancellationToken) is { } image)
                {
                    var row = new IndexedInstance();
                    row.Apply(image);
                    page.Instances.Add(row);
                }
            await page.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>Publishes, for each configured dataset, a new description when it differs from the last one published.</summary>
    private async Task PublishChanged(NodeAgentDbContext db, CancellationToken cancellationToken)
    {
        var node = options.Value;
        var stamp = new EventStamp(new Actor($"node:{node.NodeName}", "node", "node-agent"), Guid.NewGuid(), clock);
        foreach (var dataset in node.Datasets)
        {
            var description = await DatasetDescriber.Describe(db, dataset, node, cancellationToken);
            var published = await db.Published.FindAsync([dataset.Id], cancellationToken);
            if (description is null)
            {
                if (published is { Retired: false })
                {
                    published.Retired = true;
                    published.Fingerprint = "";
                    published.Version++;
                    db.Publish(stamp.Stamp(new DatasetRetired { DatasetId = dataset.Id, Node = node.NodeName, Reason = "no images left" },
                        dataset.Id, published.Version));
                }
                continue;
            }
            var fingerprint = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(description, Json))));
            if (published?.Fingerprint == fingerprint)
                continue;
            var first = published is null || published.Retired;
            if (published is null)
                db.Published.Add(published = new PublishedDataset { DatasetId = dataset.Id });
            published.Version++;
            published.Fingerprint = fingerprint;
            published.Retired = false;
            db.Publish(first
                ? stamp.Stamp(new DatasetPublished { Dataset = description }, dataset.Id, published.Version)
                : stamp.Stamp(new DatasetUpdated { Dataset = description }, dataset.Id, published.Version));
            log.LogInformation("Dataset {Dataset} v{Version}: {Subjects} subjects, {Instances} instances", dataset.Id, published.Version,
                description.Subjects, description.Instances);
        }
    }
}
