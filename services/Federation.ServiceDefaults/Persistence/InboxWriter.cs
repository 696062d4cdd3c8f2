using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Federation.ServiceDefaults.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Federation.ServiceDefaults.Persistence;

/// <summary>
/// Applies a consumed message's effect exactly once: the effect and the message's inbox row commit in
/// one transaction, and a message whose row exists is skipped.
/// <para>
/// Group commit: concurrent consumers hand their effects to one writer, which commits whatever has
/// queued up while the previous commit ran. A lone message commits at once (no added latency); under
/// load one commit covers many messages, which is what lets a durable consumer approach broker speed.
/// Each message still succeeds or fails on its own: a failing effect is taken out of the batch, the
/// rest is redone, and only that message's consumer sees the exception (and retries).
/// </para>
/// </summary>
public sealed class InboxWriter<TDb> where TDb : ServiceDbContext
{
    internal readonly Channel<InboxWork<TDb>> Queue = Channel.CreateUnbounded<InboxWork<TDb>>(new UnboundedChannelOptions
    {
        SingleReader = true,
    });

    /// <summary>
    /// Applies <paramref name="effect"/> once for (<paramref name="consumer"/>, <paramref name="messageId"/>).
    /// Returns false when the message had already been applied (a duplicate, acknowledged without effect).
    /// The effect runs on the writer's context and must not call SaveChanges or open transactions itself.
    /// </summary>
    public Task<bool> ApplyOnce(string consumer, Guid messageId, Func<TDb, CancellationToken, Task> effect)
    {
        var work = new InboxWork<TDb>(consumer, messageId, effect);
        if (!Queue.Writer.TryWrite(work))
            throw new InvalidOperationException("The inbox writer has stopped.");
        return work.Completion.Task;
    }
}

internal sealed class InboxWork<TDb>(string consumer, Guid messageId, Func<TDb, CancellationToken, Task> effect)
{
    public string Consumer { get; } = consumer;
    public Guid MessageId { get; } = messageId;
    public Func<TDb, CancellationToken, Task> Effect { get; } = effect;
    public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>The single loop that commits an <see cref="InboxWriter{TDb}"/>'s queued work in batches.</summary>
internal sealed class InboxCommitLoop<TDb>(
    InboxWriter<TDb> writer,
    IDbContextFactory<TDb> factory,
    ServiceDatabase<TDb> database,
    TimeProvider clock,
    IOptions<OutboxOptions> options,
    ILogger<InboxCommitLoop<TDb>> log) : BackgroundService where TDb : ServiceDbContext
{
    private static readonly Histogram<int> BatchSizes = FederationTelemetry.Meter.CreateHistogram<int>("federation.inbox.batch_size");
    private static readonly Counter<long> Duplicates = FederationTelemetry.Meter.CreateCounter<long>("federation.inbox.duplicates",
        description: "Messages acknowledged without effect because their inbox row existed");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = writer.Queue.Reader;
        var batch = new List<InboxWork<TDb>>();
        try
        {
            await database.WhenSchemaReady(stoppingToken);
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < options.Value.InboxBatchSize && reader.TryRead(out var work))
                    batch.Add(work);
                BatchSizes.Record(batch.Count, new KeyValuePair<string, object?>("service", database.Service));
                await CommitAll(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Unacknowledged messages go back to the broker and come again after restart.
        }
        finally
        {
            writer.Queue.Writer.TryComplete();
            foreach (var work in batch.Concat(Drain(reader)))
                work.Completion.TrySetCanceled(stoppingToken);
        }
    }

    private static IEnumerable<InboxWork<TDb>> Drain(ChannelReader<InboxWork<TDb>> reader)
    {
        while (reader.TryRead(out var work))
            yield return work;
    }

    private async Task CommitAll(List<InboxWork<TDb>> batch, CancellationToken stoppingToken)
    {
        var pending = batch.ToList();
        while (pending.Count > 0)
        {
            var (failedAt, error) = await TryCommit(pending, stoppingToken);
            if (failedAt is null)
                return;
            if (failedAt < 0)
            {
                // The commit itself failed (database gone, say): every message is retried by its consumer.
                foreach (var work in pending)
                    work.Completion.TrySetException(error!);
                return;
            }
            pending[failedAt.Value].Completion.TrySetException(error!);
            pending.RemoveAt(failedAt.Value);
        }
    }

    /// <returns>(null, null) when committed; (index, error) when one effect failed; (-1, error) when the commit failed.</returns>
    private async Task<(int? FailedAt, Exception? Error)> TryCommit(List<InboxWork<TDb>> pending, CancellationToken stoppingToken)
    {
        var duplicates = new HashSet<InboxWork<TDb>>();
        try
        {
            await using var db = await factory.CreateDbContextAsync(stoppingToken);
            // A failure rolls back the whole transaction and the batch is redone without the failed message,
            // so savepoints would only cost round trips.
            db.Database.AutoSavepointsEnabled = false;
            await using var tx = await db.Database.BeginTransactionAsync(stoppingToken);

            var ids = pending.Select(w => w.MessageId).Distinct().ToList();
            var seen = (await db.InboxMessages.AsNoTracking()
                    .Where(m => ids.Contains(m.MessageId))
                    .Select(m => new { m.Consumer, m.MessageId })
                    .ToListAsync(stoppingToken))
                .Select(m => (m.Consumer, m.MessageId))
                .ToHashSet();

            var now = clock.GetUtcNow().UtcDateTime;
            for (var i = 0; i < pending.Count; i++)
            {
                var work = pending[i];
                if (!seen.Add((work.Consumer, work.MessageId)))
                {
                    duplicates.Add(work);
                    continue;
                }
                try
                {
                    await work.Effect(db, stoppingToken);
                    db.InboxMessages.Add(new InboxMessage { Consumer = work.Consumer, MessageId = work.MessageId, ProcessedAt = now });
                    // Saved per message so that later effects in the batch can query what earlier ones wrote.
                    await db.SaveChangesAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    return (i, ex);
                }
            }

            try
            {
                await tx.CommitAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                return (-1, ex);
            }
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            log.LogWarning("Inbox transaction of {Service} failed: {Error}", database.Service, ex.Message);
            return (-1, ex);
        }

        if (duplicates.Count > 0)
            Duplicates.Add(duplicates.Count, new KeyValuePair<string, object?>("service", database.Service));
        foreach (var work in pending)
            work.Completion.TrySetResult(!duplicates.Contains(work));
        return (null, null);
    }
}
