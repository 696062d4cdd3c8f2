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
/// Pipelined: while one batch waits for its publisher confirms, the next is already read and
/// published (up to <see cref="BatchesInFlight"/>), so confirm latency is not added to every event.
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
    private const int BatchesInFlight = 4;
    private static readonly Counter<long> Relayed = FederationTelemetry.Meter.CreateCounter<long>("federation.outbox.relayed");
    private static readonly Histogram<double> Lag = FederationTelemetry.Meter.CreateHistogram<double>("federation.outbox.lag", "ms",
        "From the commit of an outbox row to the broker's confirm");
    private static readonly ConcurrentDictionary<string, Type?> Types = new();
    private static readonly TimeSpan MaxRowRetryDelay = TimeSpan.FromSeconds(30);

    private readonly RelayLeadership leadership = new(database.Provider == StoreProvider.PostgreSql ? database.ConnectionString : null,
        StableHash($"federation-outbox:{database.Service}"));

    // Touched only by the relay loop.
    private readonly Dictionary<long, OutboxMessage> inFlight = [];
    private readonly HashSet<string> aggregatesInFlight = [];
    private readonly List<Task<BatchResult>> publishing = [];

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
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var settled = await Settle(wait: publishing.Count >= BatchesInFlight, stoppingToken);
                if (settled is { Sent: 0, Failed: > 0 })
                {
                    // Nothing got through: most likely the broker is away. Back off as a whole.
                    failures++;
                    await Delay(TimeSpan.FromMilliseconds(Math.Min(100 * Math.Pow(2, failures), 5000)), stoppingToken);
                    continue;
                }
                if (settled.Sent > 0)
                    failures = 0;

                if (publishing.Count < BatchesInFlight && await StartBatch(stoppingToken))
                    continue; // more may be waiting
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                failures++;
                await leadership.Release(); // its connection may be the thing that broke
                log.LogWarning("Outbox relay of {Service} failed (attempt {Failures}): {Error}", database.Service, failures, ex.Message);
                await Delay(TimeSpan.FromMilliseconds(Math.Min(100 * Math.Pow(2, failures), 5000)), stoppingToken);
                continue;
            }

            if (clock.GetUtcNow() - lastPrune > TimeSpan.FromMinutes(10))
                lastPrune = await PruneInbox(stoppingToken);

            // Idle: wake on a commit, on a confirm, or at the poll interval (rows left by a crash, timers falling due).
            var wake = signal.Wait(publishing.Count > 0 ? TimeSpan.FromMilliseconds(100) : options.Value.PollInterval, stoppingToken);
            await (publishing.Count > 0 ? Task.WhenAny(wake, Task.WhenAny(publishing)) : wake);
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

    /// <summary>Reads the next due rows not already in flight and starts publishing them. False when there were none.</summary>
    private async Task<bool> StartBatch(CancellationToken stoppingToken)
    {
        if (!await leadership.TryHold(stoppingToken))
            return false;
        var batchSize = options.Value.RelayBatchSize;
        var now = clock.GetUtcNow().UtcDateTime;
        var busy = inFlight.Keys.ToList();
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
        if (batch.Count == 0)
            return false;

        foreach (var row in batch)
        {
            inFlight[row.Sequence] = row;
            if (row.AggregateId is { } aggregate)
                aggregatesInFlight.Add(aggregate);
        }
        publishing.Add(PublishBatch(batch, stoppingToken));
        return rows.Count == batchSize || batch.Count < rows.Count;
    }

    private async Task<BatchResult> PublishBatch(List<OutboxMessage> batch, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(options.Value.PublishTimeout);
        var sent = new ConcurrentBag<OutboxMessage>();
        var failed = new ConcurrentBag<(OutboxMessage, bool)>();
        var groups = batch.GroupBy(r => r.AggregateId ?? $"#{r.Sequence}");
        await Task.WhenAll(groups.Select(g => PublishInOrder(g.ToList(), sent, failed, timeout.Token)));
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
            await db.OutboxMessages.Where(m => sentKeys.Contains(m.Sequence)).ExecuteDeleteAsync(cancellationToken);
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

    private async Task Publish(OutboxMessage row, CancellationToken cancellationToken)
    {
        var type = Types.GetOrAdd(row.MessageType, name => Type.GetType(name, throwOnError: false))
            ?? throw new InvalidOperationException($"Unknown message type {row.MessageType}");
        var message = JsonSerializer.Deserialize(row.Body, type, OutboxRows.Json)
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
