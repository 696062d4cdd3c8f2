using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Telemetry;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Federation.ServiceDefaults.Persistence;

/// <summary>
/// Moves committed outbox rows to the broker and deletes them once the broker has confirmed them.
/// A crash between confirm and delete republishes a row: consumers' inboxes absorb the duplicate.
/// <para>
/// Pipelined: while batches wait for their publisher confirms, each commit's new rows are read and
/// published at once (up to <see cref="MaxRowsInFlight"/>), so confirm latency is not added to any
/// event; confirmed rows are deleted when nothing new is waiting.
/// Rows of one aggregate leave in commit order (a row waits while an earlier row of its aggregate is
/// in flight or waiting out a retry delay); rows of different aggregates leave in parallel.
/// On PostgreSQL a session advisory lock (<see cref="RelayLeadership"/>) lets one replica relay at a
/// time; reads and deletes then need no transaction.
/// </para>
/// </summary>
internal sealed class OutboxRelay<TDb>(
    IDbContextFactory<TDb> factory,
    ServiceDatabase<TDb> database,
    OutboxSignal<TDb> signal,
    IBus bus,
    IBusControl busControl,
    TimeProvider clock,
    IOptions<OutboxOptions> options,
    ILogger<OutboxRelay<TDb>> log) : BackgroundService where TDb : ServiceDbContext
{
    /// <summary>
    /// Rows published and not yet settled (confirmed and deleted, or delayed). Bounds the relay's memory and the list
    /// of rows its reads leave out; below it, new rows never wait for earlier batches' confirms.
    /// </summary>
    private const int MaxRowsInFlight = 2000;
    private static readonly Counter<long> Relayed = FederationTelemetry.Meter.CreateCounter<long>("federation.outbox.relayed");
    private static readonly Histogram<double> Lag = FederationTelemetry.Meter.CreateHistogram<double>("federation.outbox.lag", "ms",
        "From the commit of an outbox row to the broker's confirm");
    private static readonly Histogram<double> PickUp = FederationTelemetry.Meter.CreateHistogram<double>("federation.outbox.pickup", "ms",
        "From the writing of an outbox row to the start of its publishing");
    private static readonly Histogram<double> Confirms = FederationTelemetry.Meter.CreateHistogram<double>("federation.outbox.confirm", "ms",
        "From the start of a batch's publishing to the broker's last confirm of it");
    private static readonly ConcurrentDictionary<string, Type?> Types = new();
    private static readonly TimeSpan MaxRowRetryDelay = TimeSpan.FromSeconds(30);

    private readonly RelayLeadership leadership = new(database.Provider == StoreProvider.PostgreSql ? database.ConnectionString : null,
        StableHash($"federation-outbox:{database.Service}"));

    // Touched only by the relay loop.
    private readonly Dictionary<long, OutboxMessage> inFlight = [];
    private readonly HashSet<string> aggregatesInFlight = [];
    private readonly List<Task<BatchResult>> publishing = [];
    private readonly RelayOrder order = new();
    private readonly List<OutboxMessage> handedOver = [];
    private bool heldBack; // the last read found rows behind their aggregate's row in flight
    private long lastRead; // Stopwatch ticks of the last read of the store

    /// <summary>Where the relay looks for rows to send next: the rows a commit handed over will do, or the store must be read.</summary>
    private enum Look { Nothing, HandedOver, Store }

    private sealed record BatchResult(List<OutboxMessage> Sent, List<(OutboxMessage Row, bool Attempted)> Failed);

    public override void Dispose()
    {
        leadership.Release().AsTask().GetAwaiter().GetResult();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await database.WhenSchemaReady(stoppingToken);
        if (options.Value.RelayPaused)
        {
            log.LogWarning("Outbox relay of {Service} is paused (Federation:Outbox:RelayPaused): events stay in its outbox", database.Service);
            return;
        }
        await busControl.WhenReady(clock, stoppingToken);
        var failures = 0;
        var lastPrune = DateTimeOffset.MinValue;
        var look = Look.Store;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // New rows first: they are what an event's latency is made of. Deleting confirmed rows waits for a
                // moment with nothing new to send (or for too many rows in flight); until then they stay in flight.
                if (look != Look.Nothing && inFlight.Count < MaxRowsInFlight)
                {
                    if (await StartBatch(readStore: look == Look.Store, stoppingToken))
                    {
                        look = Look.Store; // more may be waiting
                        continue;
                    }
                    look = Look.Nothing;
                }

                var settled = await Settle(wait: inFlight.Count >= MaxRowsInFlight, stoppingToken);
                if (settled is { Sent: 0, Failed: > 0 })
                {
                    // Nothing got through: most likely the broker is away. Back off as a whole.
                    failures++;
                    look = Look.Store;
                    await Delay(TimeSpan.FromMilliseconds(Math.Min(100 * Math.Pow(2, failures), 5000)), stoppingToken);
                    continue;
                }
                if (settled.Sent > 0)
                    failures = 0;
                // Rows held back behind their aggregate's row in flight may go now.
                if (settled.Sent + settled.Failed > 0 && heldBack)
                    look = Look.Store;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                failures++;
                look = Look.Store;
                await leadership.Release(); // its connection may be the thing that broke
                log.LogWarning("Outbox relay of {Service} failed (attempt {Failures}): {Error}", database.Service, failures, ex.Message);
                await Delay(TimeSpan.FromMilliseconds(Math.Min(100 * Math.Pow(2, failures), 5000)), stoppingToken);
                continue;
            }

            if (clock.GetUtcNow() - lastPrune > TimeSpan.FromMinutes(10))
                lastPrune = await PruneInbox(stoppingToken);

            // Idle: wake on a commit (its rows are handed over), on a confirm (settle only), or at the poll interval
            // (read the store: rows left by a crash or written by another replica, timers falling due).
            var timeout = publishing.Count > 0 ? TimeSpan.FromMilliseconds(100) : options.Value.PollInterval;
            var waited = Stopwatch.GetTimestamp();
            try
            {
                // A confirm only settles: a commit's wake-up that has not been taken yet stays for the next wait.
                if (await signal.Wait(timeout, publishing, stoppingToken))
                {
                    // A steady stream of commits must not keep the relay from the store for longer than the poll interval.
                    look = Stopwatch.GetElapsedTime(waited) >= timeout || Stopwatch.GetElapsedTime(lastRead) >= options.Value.PollInterval
                        ? Look.Store : Look.HandedOver;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }

        // Stopping: let what is in flight be confirmed and deleted, so a restart does not republish it.
        try
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            while (publishing.Count > 0 && !grace.IsCancellationRequested)
                await Settle(wait: true, grace.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or DbUpdateException or System.Data.Common.DbException)
        {
            // Unsettled rows stay in the outbox and are republished after restart; inboxes absorb them.
        }
    }

    /// <summary>
    /// Starts publishing the rows commits handed over and, when they do not suffice, the next due rows of the store not
    /// already in flight. True when more rows may be waiting in the store.
    /// </summary>
    private async Task<bool> StartBatch(bool readStore, CancellationToken stoppingToken)
    {
        handedOver.Clear();
        readStore |= !signal.TakeCommitted(handedOver);
        if (!await leadership.TryHold(stoppingToken))
            return false; // the leader reads them from the store
        readStore |= !StartHandedOver(stoppingToken);
        if (!readStore)
            return false;

        var batchSize = options.Value.RelayBatchSize;
        var now = clock.GetUtcNow().UtcDateTime;
        var busy = inFlight.Keys.ToList();
        lastRead = Stopwatch.GetTimestamp();
        await using var db = await factory.CreateDbContextAsync(stoppingToken);
        // A row waiting out its own retry delay holds back the later rows of its aggregate (commit order).
        var rows = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.DueAt <= now && !busy.Contains(m.Sequence) && !db.OutboxMessages.Any(p =>
                p.AggregateId != null && p.AggregateId == m.AggregateId && p.Sequence < m.Sequence && p.DueAt > now))
            .OrderBy(m => m.Sequence)
            .Take(batchSize)
            .ToListAsync(stoppingToken);

        // So does a row still in flight: later rows of its aggregate wait for the next round.
        var blocked = new HashSet<string>(aggregatesInFlight);
        var batch = new List<OutboxMessage>(rows.Count);
        foreach (var row in rows)
        {
            if (row.AggregateId is { } aggregate && !blocked.Add(aggregate))
                continue;
            batch.Add(row);
        }
        heldBack = batch.Count < rows.Count;
        if (batch.Count == 0)
            return false; // all held back: they go when their aggregates' rows in flight settle
        Launch(batch, stoppingToken);
        return rows.Count == batchSize || batch.Count < rows.Count;
    }

    /// <summary>Publishes the handed-over rows that may go ahead of a read. False when some must wait for one.</summary>
    private bool StartHandedOver(CancellationToken stoppingToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var complete = true;
        var batch = new List<OutboxMessage>(handedOver.Count);
        var aggregates = new HashSet<string>(aggregatesInFlight);
        foreach (var row in handedOver)
        {
            if (inFlight.ContainsKey(row.Sequence) || order.WasSettled(row.Sequence))
                continue; // a read of the store got it first
            if (row.DueAt > now || !order.MayGoAhead(row, aggregates))
            {
                complete = false;
                continue;
            }
            batch.Add(row);
            if (row.AggregateId is { } aggregate)
                aggregates.Add(aggregate);
        }
        Launch(batch, stoppingToken);
        return complete;
    }

    private void Launch(List<OutboxMessage> batch, CancellationToken stoppingToken)
    {
        if (batch.Count == 0)
            return;
        var tags = new KeyValuePair<string, object?>("service", database.Service);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var row in batch)
        {
            PickUp.Record((now - row.CreatedAt).TotalMilliseconds, tags);
            inFlight[row.Sequence] = row;
            if (row.AggregateId is { } aggregate)
                aggregatesInFlight.Add(aggregate);
        }
        publishing.Add(PublishBatch(batch, stoppingToken));
    }

    private async Task<BatchResult> PublishBatch(List<OutboxMessage> batch, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(options.Value.PublishTimeout);
        var sent = new ConcurrentBag<OutboxMessage>();
        var failed = new ConcurrentBag<(OutboxMessage, bool)>();
        var groups = batch.GroupBy(r => r.AggregateId ?? $"#{r.Sequence}");
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(groups.Select(g => PublishInOrder(g.ToList(), sent, failed, timeout.Token)));
        Confirms.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("service", database.Service));
        return new BatchResult([.. sent], [.. failed]);
    }

    private async Task PublishInOrder(List<OutboxMessage> rows, ConcurrentBag<OutboxMessage> sent, ConcurrentBag<(OutboxMessage, bool)> failed,
        CancellationToken cancellationToken)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            try
            {
                await Publish(rows[i], cancellationToken);
                sent.Add(rows[i]);
            }
            catch (Exception ex)
            {
                // Later rows of the same aggregate must not overtake this one: hold them back too.
                failed.Add((rows[i], true));
                foreach (var row in rows.Skip(i + 1))
                    failed.Add((row, false));
                if (!cancellationToken.IsCancellationRequested)
                    log.LogWarning("Could not relay {MessageType} {MessageId}: {Error}", rows[i].MessageType, rows[i].MessageId, ex.Message);
                return;
            }
        }
    }

    /// <summary>Deletes what finished batches sent and delays what they could not; returns the counts.</summary>
    private async Task<(int Sent, int Failed)> Settle(bool wait, CancellationToken cancellationToken)
    {
        if (wait && publishing.Count > 0)
            await Task.WhenAny(publishing);
        var finished = publishing.Where(t => t.IsCompleted).ToList();
        if (finished.Count == 0)
            return (0, 0);

        var sent = new List<OutboxMessage>();
        var failed = new List<(OutboxMessage Row, bool Attempted)>();
        foreach (var task in finished)
        {
            var result = await task;
            sent.AddRange(result.Sent);
            failed.AddRange(result.Failed);
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var sentKeys = sent.Select(r => r.Sequence).ToList();
        if (sentKeys.Count > 0)
            await DeleteSent(db, sentKeys, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var (row, _) in failed.Where(f => f.Attempted))
        {
            // The row itself waits before its next try, so one unroutable or refused message cannot
            // stall the rest of the outbox; rows behind it in its aggregate wait with it.
            var retryAt = now + TimeSpan.FromMilliseconds(Math.Min(100 * Math.Pow(2, Math.Min(row.Attempts, 16)), MaxRowRetryDelay.TotalMilliseconds));
            await db.OutboxMessages.Where(m => m.Sequence == row.Sequence)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Attempts, m => m.Attempts + 1).SetProperty(m => m.DueAt, retryAt), cancellationToken);
        }

        // Only now, with the database up to date, may these rows (and their aggregates) be read again.
        foreach (var task in finished)
            publishing.Remove(task);
        foreach (var row in sent)
            order.Settled(row, sent: true);
        foreach (var (row, _) in failed)
            order.Settled(row, sent: false);
        foreach (var row in sent.Concat(failed.Select(f => f.Row)))
        {
            inFlight.Remove(row.Sequence);
            if (row.AggregateId is { } aggregate)
                aggregatesInFlight.Remove(aggregate);
        }
        var tags = new KeyValuePair<string, object?>("service", database.Service);
        Relayed.Add(sent.Count, tags);
        foreach (var row in sent)
            Lag.Record((now - row.CreatedAt).TotalMilliseconds, tags);
        return (sent.Count, failed.Count);
    }

    private const string DeleteSentWithoutWaitingForTheDisk =
        "BEGIN; SET LOCAL synchronous_commit = off; DELETE FROM " + OutboxSchema.OutboxTable + " WHERE sequence = ANY({0}); COMMIT";

    /// <summary>
    /// Deletes confirmed rows. Their deletion need not wait for the disk: lost in a crash, a row is published again and
    /// the inboxes absorb it, as after any crash between confirm and delete. So on PostgreSQL it commits asynchronously,
    /// in one round trip: under load these deletes were a third of the store's commits, each waiting for a WAL flush.
    /// </summary>
    private static Task DeleteSent(TDb db, List<long> sequences, CancellationToken cancellationToken) =>
        db.Database.IsNpgsql()
            ? db.Database.ExecuteSqlRawAsync(DeleteSentWithoutWaitingForTheDisk, [sequences.ToArray()], cancellationToken)
            : db.OutboxMessages.Where(m => sequences.Contains(m.Sequence)).ExecuteDeleteAsync(cancellationToken);

    private async Task Publish(OutboxMessage row, CancellationToken cancellationToken)
    {
        var type = Types.GetOrAdd(row.MessageType, name => Type.GetType(name, throwOnError: false))
            ?? throw new InvalidOperationException($"Unknown message type {row.MessageType}");
        var message = row.Message ??= JsonSerializer.Deserialize(row.Body, type, OutboxRows.Json)
            ?? throw new InvalidOperationException($"Empty body in outbox row {row.Sequence}");

        var parent = ActivityContext.TryParse(row.TraceParent, null, out var context) ? context : default;
        using var activity = FederationTelemetry.Source.StartActivity($"outbox relay {type.Name}", ActivityKind.Producer, parent);

        var headers = row.Headers is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(row.Headers, OutboxRows.Json);
        void Stamp(SendContext ctx)
        {
            // Mandatory: a message no queue is bound for comes back as an error instead of vanishing
            // (a consumer not deployed yet, a binding not declared yet); the row stays and is retried.
            if (ctx.TryGetPayload<RabbitMqSendContext>(out var rabbit))
                rabbit.Mandatory = true;
            ctx.MessageId = row.MessageId;
            ctx.CorrelationId = row.CorrelationId;
            if (headers is null)
                return;
            foreach (var (key, value) in headers)
                ctx.Headers.Set(key, value);
        }

        if (row.Destination is null)
        {
            await bus.Publish(message, type, Pipe.Execute<PublishContext>(Stamp), cancellationToken);
        }
        else
        {
            var endpoint = await bus.GetSendEndpoint(new Uri(row.Destination));
            await endpoint.Send(message, type, Pipe.Execute<SendContext>(Stamp), cancellationToken);
        }
    }

    private async Task<DateTimeOffset> PruneInbox(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        try
        {
            var cutoff = (now - options.Value.InboxRetention).UtcDateTime;
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            await db.InboxMessages.Where(m => m.ProcessedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            log.LogWarning("Inbox pruning of {Service} failed: {Error}", database.Service, ex.Message);
        }
        return now;
    }

    // FNV-1a: the advisory-lock key must be the same in every replica and every release (string.GetHashCode is randomised).
    private static long StableHash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
            hash = (hash ^ b) * 1099511628211UL;
        return unchecked((long)hash);
    }

    private static async Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }
}
