using System.Data.Common;
using System.Diagnostics.Metrics;
using Federation.ServiceDefaults.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Federation.ServiceDefaults.Persistence;

/// <summary>The single loop that commits a <see cref="GroupCommit{TDb}"/>'s queued units in batches.</summary>
internal sealed class GroupCommitLoop<TDb>(
    GroupCommit<TDb> queue,
    IDbContextFactory<TDb> factory,
    ServiceDatabase<TDb> database,
    OutboxSignal<TDb> signal,
    TimeProvider clock,
    IOptions<OutboxOptions> options,
    ILogger<GroupCommitLoop<TDb>> log) : BackgroundService where TDb : ServiceDbContext
{
    private static readonly Histogram<int> BatchSizes = FederationTelemetry.Meter.CreateHistogram<int>("federation.group_commit.batch_size",
        description: "Units of work committed per transaction");
    private static readonly Histogram<double> Waits = FederationTelemetry.Meter.CreateHistogram<double>("federation.group_commit.wait", "ms",
        "From a unit's queueing to the start of the batch that runs it (mostly the previous batch's commit)");
    private static readonly Histogram<double> Commits = FederationTelemetry.Meter.CreateHistogram<double>("federation.group_commit.duration", "ms",
        "From a batch's start to its commit (or failure)");
    private static readonly Counter<long> Duplicates = FederationTelemetry.Meter.CreateCounter<long>("federation.inbox.duplicates",
        description: "Messages acknowledged without effect because their inbox row existed");

    private enum Outcome { Committed, UnitFailed, UnitSaveFailed, SaveFailed, BatchFailed }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = queue.Queue.Reader;
        var batch = new List<BatchedWork<TDb>>();
        try
        {
            await database.WhenSchemaReady(stoppingToken);
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < options.Value.InboxBatchSize && reader.TryRead(out var work))
                    batch.Add(work);
                var service = new KeyValuePair<string, object?>("service", database.Service);
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                BatchSizes.Record(batch.Count, service);
                if (Waits.Enabled)
                    foreach (var work in batch)
                        Waits.Record(System.Diagnostics.Stopwatch.GetElapsedTime(work.QueuedAt, started).TotalMilliseconds, service);
                await CommitAll(batch, stoppingToken);
                Commits.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, service);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Unacknowledged messages return to the broker; unanswered HTTP requests were never acknowledged either.
        }
        finally
        {
            queue.Queue.Writer.TryComplete();
            foreach (var work in batch)
                work.Cancel();
            while (reader.TryRead(out var work))
                work.Cancel();
        }
    }

    private async Task CommitAll(List<BatchedWork<TDb>> batch, CancellationToken stoppingToken)
    {
        var pending = batch.ToList();
        var unitByUnit = pending.Count == 1;
        // Redeliveries are rare, so a batch first saves its inbox rows without asking the store which exist: the inbox
        // key is unique, so a message applied before fails the save instead, and only then is the batch redone with
        // the look-up (one round trip less per batch in the usual case).
        var lookUpInbox = false;
        while (pending.Count > 0)
        {
            var (outcome, failedAt, error) = await TryCommit(pending, unitByUnit, lookUpInbox, stoppingToken);
            if (outcome is Outcome.SaveFailed or Outcome.UnitSaveFailed && !IsOutage(error!) && !lookUpInbox
                && pending.Any(w => w.InboxKey is not null))
            {
                lookUpInbox = true; // perhaps a duplicate: redo the batch knowing which messages were applied already
                continue;
            }
            switch (outcome)
            {
                case Outcome.Committed:
                    return;
                case Outcome.SaveFailed when !IsOutage(error!):
                    unitByUnit = true; // find the unit that broke the batch
                    continue;
                case Outcome.UnitFailed or Outcome.UnitSaveFailed when !IsOutage(error!):
                    pending[failedAt].Fail(error!);
                    pending.RemoveAt(failedAt);
                    continue;
                default:
                    // The store itself failed (down, restarting, commit refused): every unit fails and is retried by its caller.
                    log.LogWarning("Group commit of {Service} failed for {Count} units: {Error}", database.Service, pending.Count, error!.Message);
                    foreach (var work in pending)
                        work.Fail(error);
                    return;
            }
        }
    }

    private async Task<(Outcome Outcome, int FailedAt, Exception? Error)> TryCommit(List<BatchedWork<TDb>> pending, bool unitByUnit,
        bool lookUpInbox, CancellationToken stoppingToken)
    {
        var duplicates = new HashSet<BatchedWork<TDb>>();
        var outboxRows = new List<OutboxMessage>();
        try
        {
            await using var db = await factory.CreateDbContextAsync(stoppingToken);
            // A failure rolls the whole transaction back and the batch is redone, so savepoints would only cost round trips.
            db.Database.AutoSavepointsEnabled = false;
            await using var tx = await db.Database.BeginTransactionAsync(stoppingToken);

            var seen = lookUpInbox ? await AlreadyApplied(db, pending, stoppingToken) : []; // either way, a message twice in one batch applies once
            var now = clock.GetUtcNow().UtcDateTime;
            for (var i = 0; i < pending.Count; i++)
            {
                var work = pending[i];
                if (work.InboxKey is { } key && !seen.Add(key))
                {
                    duplicates.Add(work);
                    continue;
                }
                var saving = false;
                try
                {
                    System.Diagnostics.Activity.Current = work.Caller;
                    await work.Apply(db, stoppingToken);
                    if (work.InboxKey is { } inbox)
                        db.InboxMessages.Add(new InboxMessage { Consumer = inbox.Consumer, MessageId = inbox.MessageId, ProcessedAt = now });
                    if (unitByUnit)
                    {
                        saving = true;
                        await Save(db, outboxRows, stoppingToken);
                    }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    return (saving ? Outcome.UnitSaveFailed : Outcome.UnitFailed, i, ex);
                }
                finally
                {
                    System.Diagnostics.Activity.Current = null;
                }
            }

            if (!unitByUnit)
            {
                try
                {
                    await Save(db, outboxRows, stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    return (Outcome.SaveFailed, -1, ex);
                }
            }
            await Commit(db, tx, outboxRows, stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            return (Outcome.BatchFailed, -1, ex);
        }

        if (duplicates.Count > 0)
            Duplicates.Add(duplicates.Count, new KeyValuePair<string, object?>("service", database.Service));
        foreach (var work in pending)
            work.Succeed(duplicates.Contains(work));
        return (Outcome.Committed, -1, null);
    }

    private static async Task Save(TDb db, List<OutboxMessage> outboxRows, CancellationToken cancellationToken)
    {
        // Without change detection: the added rows are known to the state manager, and detecting over a batch of hundreds
        // of entities costs; SaveChanges detects once itself.
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var added = db.ChangeTracker.Entries<OutboxMessage>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        db.ChangeTracker.AutoDetectChangesEnabled = true;
        await db.SaveChangesAsync(cancellationToken);
        outboxRows.AddRange(added);
    }

    /// <summary>Commits, then hands the committed outbox rows to the relay, which then need not read them back.</summary>
    private async Task Commit(TDb db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx, List<OutboxMessage> outboxRows,
        CancellationToken cancellationToken)
    {
        var committed = false;
        db.HandsOverCommittedRows = true;
        try
        {
            await tx.CommitAsync(cancellationToken);
            committed = true;
        }
        finally
        {
            db.HandsOverCommittedRows = false;
            if (!committed && outboxRows.Count > 0)
                signal.Notify(); // the commit may have happened all the same: let the relay read the store
        }
        if (outboxRows.Count > 0)
            signal.Committed(outboxRows);
    }

    private static async Task<HashSet<(string Consumer, Guid MessageId)>> AlreadyApplied(TDb db, List<BatchedWork<TDb>> pending,
        CancellationToken cancellationToken)
    {
        var ids = pending.Where(w => w.InboxKey is not null).Select(w => w.InboxKey!.Value.MessageId).Distinct().ToList();
        if (ids.Count == 0)
            return [];
        var rows = await db.InboxMessages.AsNoTracking()
            .Where(m => ids.Contains(m.MessageId))
            .Select(m => new { m.Consumer, m.MessageId })
            .ToListAsync(cancellationToken);
        return rows.Select(m => (m.Consumer, m.MessageId)).ToHashSet();
    }

    /// <summary>A failure of the store rather than of one unit: redoing unit by unit would only repeat it.</summary>
    private static bool IsOutage(Exception error) =>
        error is DbException { IsTransient: true } or TimeoutException
        || error.InnerException is DbException { IsTransient: true } or TimeoutException;
}
