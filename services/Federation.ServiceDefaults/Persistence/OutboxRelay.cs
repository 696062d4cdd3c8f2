using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
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
/// Rows of one aggregate leave in commit order; rows of different aggregates leave in parallel.
/// On PostgreSQL a session advisory lock (<see cref="RelayLeadership"/>) lets one replica relay at a time;
/// each batch then costs two round trips (read, delete), with no transaction held while publishing.
/// </summary>
internal sealed class OutboxRelay<TDb>(
    IDbContextFactory<TDb> factory,
    ServiceDatabase<TDb> database,
    OutboxSignal<TDb> signal,
    IBus bus,
    TimeProvider clock,
    IOptions<OutboxOptions> options,
    ILogger<OutboxRelay<TDb>> log) : BackgroundService where TDb : ServiceDbContext
{
    private static readonly Counter<long> Relayed = FederationTelemetry.Meter.CreateCounter<long>("federation.outbox.relayed");
    private static readonly ConcurrentDictionary<string, Type?> Types = new();
    private static readonly TimeSpan MaxRowRetryDelay = TimeSpan.FromSeconds(30);

    private readonly RelayLeadership leadership = new(database.Provider == StoreProvider.PostgreSql ? database.ConnectionString : null,
        StableHash($"federation-outbox:{database.Service}"));

    private enum Outcome { Empty, Partial, Full, Contended, Failed }

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
        var failures = 0;
        var lastPrune = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            Outcome outcome;
            try
            {
                outcome = await RelayBatch(stoppingToken);
                failures = outcome == Outcome.Failed ? failures + 1 : 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                outcome = Outcome.Failed;
                await leadership.Release(); // its connection may be the thing that broke
                log.LogWarning("Outbox relay of {Service} failed (attempt {Failures}): {Error}", database.Service, failures, ex.Message);
            }

            if (clock.GetUtcNow() - lastPrune > TimeSpan.FromMinutes(10))
                lastPrune = await PruneInbox(stoppingToken);

            switch (outcome)
            {
                case Outcome.Full:
                    continue; // more rows are waiting
                case Outcome.Failed:
                    await Delay(TimeSpan.FromMilliseconds(Math.Min(100 * Math.Pow(2, failures), 5000)), stoppingToken);
                    break;
                case Outcome.Contended:
                    await signal.Wait(TimeSpan.FromMilliseconds(100), stoppingToken);
                    break;
                default:
                    await signal.Wait(options.Value.PollInterval, stoppingToken);
                    break;
            }
        }
    }

    private async Task<Outcome> RelayBatch(CancellationToken stoppingToken)
    {
        if (!await leadership.TryHold(stoppingToken))
            return Outcome.Contended;
        var batchSize = options.Value.RelayBatchSize;
        await using var db = await factory.CreateDbContextAsync(stoppingToken);

        var now = clock.GetUtcNow().UtcDateTime;
        // A row waiting out its own retry delay holds back the later rows of its aggregate (commit order).
        var rows = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.DueAt <= now && !db.OutboxMessages.Any(p =>
                p.AggregateId != null && p.AggregateId == m.AggregateId && p.Sequence < m.Sequence && p.DueAt > now))
            .OrderBy(m => m.Sequence)
            .Take(batchSize)
            .ToListAsync(stoppingToken);
        if (rows.Count == 0)
            return Outcome.Empty;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(options.Value.PublishTimeout);
        var failed = new ConcurrentBag<(long Sequence, bool Attempted)>();
        var groups = rows.GroupBy(r => r.AggregateId ?? $"#{r.Sequence}");
        await Task.WhenAll(groups.Select(g => PublishInOrder(g.ToList(), failed, timeout.Token)));

        var failedSet = failed.Select(f => f.Sequence).ToHashSet();
        var sent = rows.Where(r => !failedSet.Contains(r.Sequence)).Select(r => r.Sequence).ToList();
        if (sent.Count > 0)
            await db.OutboxMessages.Where(m => sent.Contains(m.Sequence)).ExecuteDeleteAsync(stoppingToken);
        foreach (var attempted in failed.Where(f => f.Attempted))
        {
            // The row itself waits before its next try, so one unroutable or refused message cannot
            // stall the rest of the outbox; rows behind it in its aggregate wait with it.
            var row = rows.First(r => r.Sequence == attempted.Sequence);
            var retryAt = now + TimeSpan.FromMilliseconds(Math.Min(100 * Math.Pow(2, Math.Min(row.Attempts, 16)), MaxRowRetryDelay.TotalMilliseconds));
            await db.OutboxMessages.Where(m => m.Sequence == attempted.Sequence)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Attempts, m => m.Attempts + 1).SetProperty(m => m.DueAt, retryAt), stoppingToken);
        }
        Relayed.Add(sent.Count, new KeyValuePair<string, object?>("service", database.Service));

        if (sent.Count == 0 && failedSet.Count > 0)
            return Outcome.Failed; // nothing got through: most likely the broker is away, so back off as a whole
        return rows.Count == batchSize ? Outcome.Full : Outcome.Partial;
    }

    private async Task PublishInOrder(List<OutboxMessage> rows, ConcurrentBag<(long Sequence, bool Attempted)> failed, CancellationToken cancellationToken)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            try
            {
                await Publish(rows[i], cancellationToken);
            }
            catch (Exception ex)
            {
                // Later rows of the same aggregate must not overtake this one: hold them back too.
                failed.Add((rows[i].Sequence, true));
                foreach (var row in rows.Skip(i + 1))
                    failed.Add((row.Sequence, false));
                if (!cancellationToken.IsCancellationRequested)
                    log.LogWarning("Could not relay {MessageType} {MessageId}: {Error}", rows[i].MessageType, rows[i].MessageId, ex.Message);
                return;
            }
        }
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
