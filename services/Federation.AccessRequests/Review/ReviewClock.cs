using Federation.AccessRequests.Data;
using Federation.AccessRequests.Domain;
using Federation.AccessRequests.Entitlements;
using Federation.Contracts;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Federation.AccessRequests.Review;

/// <summary>
/// The access role's timers, kept as data rather than in memory: every deadline is a column of the record
/// it concerns (a dataset's reminder and escalation times, an entitlement's end, a draft's last change),
/// written in the same transaction as the change that set it. This loop sleeps until the next deadline,
/// then fires each due one as an ordinary state change with its event through the outbox. A restart loses
/// nothing (the deadlines are in the database) and nothing fires twice: each firing is guarded by the
/// record's state (reminded-at set, entitlement no longer active) and its optimistic-concurrency version,
/// so two replicas racing for one deadline produce one event.
/// </summary>
public sealed class ReviewClock(
    IDbContextFactory<AccessDbContext> factory,
    GroupCommit<AccessDbContext> store,
    ServiceDatabase<AccessDbContext> database,
    [FromKeyedServices(AccessRequestsModule.ClockKey)] TimeProvider clock,
    IOptions<AccessOptions> options,
    ILogger<ReviewClock> log) : BackgroundService
{
    private const int Batch = 200;
    private static readonly AccessRequestState[] InReview = [AccessRequestState.Submitted, AccessRequestState.UnderReview];
    private static readonly SubRequestState[] Awaiting = [SubRequestState.Pending, SubRequestState.UnderReview];
    private static readonly AccessRequestState[] Idle = [AccessRequestState.Draft, AccessRequestState.Returned];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await database.WhenSchemaReady(stoppingToken);
        var poll = options.Value.ClockPoll;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var fired = await FireDue(stoppingToken);
                var next = await NextDeadline(stoppingToken);
                var wait = next is { } due ? due - clock.GetUtcNow() : poll;
                if (wait > poll || (fired == 0 && wait <= TimeSpan.Zero))
                    wait = poll; // nothing fired although something seemed due: never spin
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database may be restarting: wait in real time (a test's stopped clock must not stall recovery).
                log.LogWarning("Review clock could not run: {Error}", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    /// <summary>Fires every deadline that has passed; returns how many changed something.</summary>
    internal async Task<int> FireDue(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var at = now.UtcDateTime;
        var idleSince = at - options.Value.AbandonIdleAfter;
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var fired = 0;

        foreach (var id in await db.Entitlements.Where(e => e.State == EntitlementState.Active && e.End <= at).OrderBy(e => e.End).Select(e => e.Id).Take(Batch).ToListAsync(cancellationToken))
            fired += await Fire(async (w, stamp, ct) =>
                await w.Entitlements.FirstOrDefaultAsync(e => e.Id == id && e.State == EntitlementState.Active && e.End <= at, ct) is { } entitlement
                    ? entitlement.Expire(stamp) : null);

        var reminders = await AwaitingDatasets(db).Where(d => d.RemindedAt == null && d.RemindAt <= at)
            .Select(d => new { d.RequestId, d.DataHolder }).Distinct().OrderBy(d => d.RequestId).ThenBy(d => d.DataHolder).Take(Batch).ToListAsync(cancellationToken);
        foreach (var due in reminders)
            fired += await Fire(async (w, stamp, ct) => (await w.AccessRequests.FirstOrDefaultAsync(r => r.Id == due.RequestId, ct))?.Remind(due.DataHolder!, now, stamp));

        var escalations = await AwaitingDatasets(db).Where(d => d.EscalatedAt == null && d.EscalateAt <= at)
            .Select(d => new { d.RequestId, d.DataHolder }).Distinct().OrderBy(d => d.RequestId).ThenBy(d => d.DataHolder).Take(Batch).ToListAsync(cancellationToken);
        foreach (var due in escalations)
            fired += await Fire(async (w, stamp, ct) => (await w.AccessRequests.FirstOrDefaultAsync(r => r.Id == due.RequestId, ct))?.Escalate(due.DataHolder!, now, stamp));

        foreach (var id in await db.AccessRequests.Where(r => Idle.Contains(r.State) && r.UpdatedAt <= idleSince).OrderBy(r => r.UpdatedAt).Select(r => r.Id).Take(Batch).ToListAsync(cancellationToken))
            fired += await Fire(async (w, stamp, ct) =>
                await w.AccessRequests.FirstOrDefaultAsync(r => r.Id == id && Idle.Contains(r.State) && r.UpdatedAt <= idleSince, ct) is { } request
                    ? request.Abandon(stamp) : null);
        return fired;
    }

    /// <summary>When the earliest deadline falls, if there is one: the loop sleeps until then (or the poll interval).</summary>
    internal async Task<DateTimeOffset?> NextDeadline(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        List<DateTime?> candidates =
        [
            await db.Entitlements.Where(e => e.State == EntitlementState.Active).MinAsync(e => (DateTime?)e.End, cancellationToken),
            await AwaitingDatasets(db).Where(d => d.RemindedAt == null).MinAsync(d => d.RemindAt, cancellationToken),
            await AwaitingDatasets(db).Where(d => d.EscalatedAt == null).MinAsync(d => d.EscalateAt, cancellationToken),
        ];
        // One minimum per idle state: for a single state PostgreSQL reads the first entry of the (state, updated_at)
        // index, but for a list of states it read every draft, every poll (45–70 ms a second at 20,000 drafts).
        foreach (var idle in Idle)
            candidates.Add(await db.AccessRequests.Where(r => r.State == idle).MinAsync(r => (DateTime?)r.UpdatedAt, cancellationToken)
                + options.Value.AbandonIdleAfter);
        var next = candidates.Where(c => c is not null).Min();
        return next.AsUtc();
    }

    private static IQueryable<RequestedDataset> AwaitingDatasets(AccessDbContext db) =>
        db.AccessRequests.Where(r => InReview.Contains(r.State))
            .SelectMany(r => r.Datasets)
            .Where(d => d.DataHolder != null && Awaiting.Contains(d.State));

    /// <summary>One deadline, one unit of work: its state change and event commit together, or not at all.</summary>
    private async Task<int> Fire(Func<AccessDbContext, EventStamp, CancellationToken, Task<FederationEvent?>> change)
    {
        var stamp = new EventStamp(Actor.Service(AccessRequestsModule.Name), Guid.NewGuid(), clock);
        try
        {
            return await store.Write(async (db, ct) =>
            {
                if (await change(db, stamp, ct) is not { } evt)
                    return 0;
                db.Publish(evt);
                return 1;
            });
        }
        catch (DbUpdateConcurrencyException)
        {
            return 0; // another replica (or a reviewer) changed the record first; the next pass re-reads it
        }
    }
}
