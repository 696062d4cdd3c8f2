using Federation.Audit.Chain;
using Federation.Audit.Consumers;
using Federation.Audit.Data;
using Federation.Contracts;
using Federation.Contracts.Audit;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Hosting;
using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Federation.Audit.Retention;

/// <summary>What one pruning removed.</summary>
public sealed record Pruning(long FromSequence, long ThroughSequence, long Entries, long Checkpoint);

/// <summary>
/// Removes entries older than <see cref="AuditOptions.Retention"/>, never past the end of a sealed checkpoint: the
/// pruned range always ends where a signed checkpoint ends, so the first entry kept rests on that checkpoint's signed
/// chain hash (<see cref="RetentionAnchor"/>). Checkpoints are kept. In the same transaction, under the chain head's lock,
/// it records <see cref="AuditTrailPruned"/> in the chain itself (and publishes it), so the trail says what was removed,
/// when and under which retention; verification demands that record for the entries that are gone.
/// </summary>
public sealed class RetentionPruner(
    IDbContextFactory<AuditDbContext> factory,
    GroupCommit<AuditDbContext> store,
    ServiceDatabase<AuditDbContext> database,
    TimeProvider clock,
    IOptions<AuditOptions> options,
    ILogger<RetentionPruner> log) : BackgroundService
{
    /// <summary>The aggregate of pruning records; their version is the last pruned sequence (monotonic, as partners expect).</summary>
    public const string RetentionAggregate = "audit-retention";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PollingLoop.Run(async ct =>
        {
            await database.WhenSchemaReady(ct);
            return await Prune(clock.GetUtcNow(), ct) is not null;
        }, options.Value.PruneInterval, TimeSpan.FromSeconds(30), clock, log, "Audit retention", stoppingToken);

    /// <summary>Prunes what is past the retention at <paramref name="now"/>; null when nothing is (yet) prunable.</summary>
    public async Task<Pruning?> Prune(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var retention = options.Value.Retention;
        var before = (now - retention).UtcDateTime;
        var boundary = await Boundary(before, cancellationToken);
        if (boundary is null)
            return null;

        var pruned = await store.Write(async (db, ct) =>
        {
            // Under the head's lock (every append takes it): nothing is appended meanwhile, and a replica pruning at
            // the same moment finds the range gone and does nothing.
            await AuditChain.Head(db, ct);
            var first = await db.Entries.MinAsync(e => (long?)e.Sequence, ct);
            if (first is null || first > boundary.ToSequence)
                return null;
            var count = await db.Entries.Where(e => e.Sequence <= boundary.ToSequence).ExecuteDeleteAsync(ct);
            await db.EntryRefs.Where(r => r.Sequence <= boundary.ToSequence).ExecuteDeleteAsync(ct);

            var stamp = new EventStamp(Actor.Service(AuditModule.Name), Guid.NewGuid(), clock);
            var evt = stamp.Stamp(new AuditTrailPruned
            {
                FromSequence = first.Value,
                ThroughSequence = boundary.ToSequence,
                Entries = count,
                Checkpoint = boundary.Number,
                ChainHash = boundary.ChainHash,
                RecordedBefore = new DateTimeOffset(before, TimeSpan.Zero),
                Retention = retention,
            }, RetentionAggregate, boundary.ToSequence);
            // Into the chain now, in this transaction; the published copy, when it comes back, meets its inbox row.
            await AuditChain.Append(db, AuditTrailConsumer<AuditTrailPruned>.Entry(evt, clock.GetUtcNow()), ct);
            db.InboxMessages.Add(new InboxMessage { Consumer = AuditTrailConsumer<AuditTrailPruned>.Inbox, MessageId = evt.EventId, ProcessedAt = clock.GetUtcNow().UtcDateTime });
            db.Publish(evt);
            return new Pruning(first.Value, boundary.ToSequence, count, boundary.Number);
        });
        if (pruned is not null)
            log.LogInformation("Audit entries {From}–{Through} pruned ({Entries}, recorded before {Before:u}); checkpoint {Checkpoint} anchors what remains",
                pruned.FromSequence, pruned.ThroughSequence, pruned.Entries, before, pruned.Checkpoint);
        return pruned;
    }

    /// <summary>
    /// The last checkpoint whose entries, and every entry before them, were all recorded before <paramref name="before"/>;
    /// at most about <see cref="MaxEntriesPerPass"/> entries on from the first kept one, so that one pass (which holds the
    /// chain head's lock, and with it every append) stays short even when a long backlog is due; the next pass follows at once.
    /// </summary>
    private async Task<Checkpoints.AuditCheckpoint?> Boundary(DateTime before, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var first = await db.Entries.MinAsync(e => (long?)e.Sequence, cancellationToken);
        if (first is null)
            return null;
        // Recording times follow the chain closely but not exactly (replicas' clocks): the first young entry bounds the range.
        var firstYoung = await db.Entries.Where(e => e.RecordedAt >= before).MinAsync(e => (long?)e.Sequence, cancellationToken);
        var limit = (firstYoung ?? long.MaxValue) - 1;
        var eligible = db.Checkpoints.AsNoTracking().Where(c => c.ToSequence >= first && c.ToSequence <= limit);
        var bounded = Math.Min(limit, first.Value + MaxEntriesPerPass - 1);
        return await eligible.Where(c => c.ToSequence <= bounded).OrderByDescending(c => c.ToSequence).FirstOrDefaultAsync(cancellationToken)
               ?? await eligible.OrderBy(c => c.ToSequence).FirstOrDefaultAsync(cancellationToken); // one checkpoint larger than the bound
    }

    /// <summary>Roughly the most entries one pass removes.</summary>
    public const long MaxEntriesPerPass = 100_000;
}
