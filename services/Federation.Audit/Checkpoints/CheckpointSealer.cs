using Federation.Audit.Chain;
using Federation.Audit.Data;
using Federation.Contracts;
using Federation.Contracts.Audit;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Federation.ServiceDefaults.Hosting;
using Federation.ServiceDefaults.Integrity;

namespace Federation.Audit.Checkpoints;

/// <summary>
/// Seals checkpoints: as soon as <see cref="AuditOptions.CheckpointEvery"/> entries wait, or when the oldest waiting
/// entry has waited <see cref="AuditOptions.CheckpointInterval"/>. Only entries other than checkpoint events start a
/// checkpoint (the role records its own <see cref="AuditCheckpointSealed"/> too; that alone must not seal another,
/// or checkpoints would chase each other forever). Each checkpoint and its event commit together through the outbox;
/// two replicas sealing the same range collide on its start and the loser re-reads.
/// </summary>
public sealed class CheckpointSealer(
    IDbContextFactory<AuditDbContext> factory,
    GroupCommit<AuditDbContext> store,
    ServiceDatabase<AuditDbContext> database,
    AuditKeys keys,
    TimeProvider clock,
    IOptions<AuditOptions> options,
    ILogger<CheckpointSealer> log) : BackgroundService
{
    public const string ChainAggregate = "audit-trail";
    private static readonly string CheckpointEventType = EventCatalog.Urn(typeof(AuditCheckpointSealed));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = options.Value.CheckpointInterval < TimeSpan.FromSeconds(1) ? options.Value.CheckpointInterval : TimeSpan.FromSeconds(1);
        var started = false;
        await PollingLoop.Run(async ct =>
        {
            await database.WhenSchemaReady(ct);
            await keys.Ready(ct);
            if (!started)
            {
                // Links entries recorded before the chain existed now rather than at the next event.
                await store.Write(async (db, c) => (await AuditChain.Head(db, c)).Sequence);
                // Indexes what entries recorded before refs existed are about (queries and rights need it).
                await using (var db = await factory.CreateDbContextAsync(ct))
                    while (await Query.EntryRefs.Backfill(db, 500, ct) > 0)
                        db.ChangeTracker.Clear();
                started = true;
            }
            return await SealNext(ct);
        }, poll, TimeSpan.FromSeconds(1), TimeProvider.System, log, "Audit checkpoint sealing", stoppingToken);
    }

    /// <summary>Seals the next checkpoint if one is due; returns whether it did.</summary>
    internal async Task<bool> SealNext(CancellationToken cancellationToken)
    {
        var every = options.Value.CheckpointEvery;
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var head = await db.ChainHeads.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        if (head is null)
            return false;
        var last = await db.Checkpoints.AsNoTracking().OrderByDescending(c => c.Number).FirstOrDefaultAsync(cancellationToken);
        var from = (last?.ToSequence ?? 0) + 1;
        if (head.Sequence < from)
            return false;
        var firstReal = await db.Entries.AsNoTracking()
            .Where(e => e.Sequence >= from && e.EventType != CheckpointEventType)
            .OrderBy(e => e.Sequence).Select(e => new { e.Sequence, e.RecordedAt }).FirstOrDefaultAsync(cancellationToken);
        if (firstReal is null)
            return false; // nothing but our own checkpoint events since the last checkpoint

        long to;
        if (head.Sequence - from + 1 >= every)
            to = Math.Max(from + every - 1, firstReal.Sequence);
        else if (clock.GetUtcNow().UtcDateTime - DateTime.SpecifyKind(firstReal.RecordedAt, DateTimeKind.Utc) >= options.Value.CheckpointInterval)
            to = head.Sequence;
        else
            return false;

        var leaves = await db.Entries.AsNoTracking().Where(e => e.Sequence >= from && e.Sequence <= to)
            .OrderBy(e => e.Sequence).Select(e => e.Hash).ToListAsync(cancellationToken);
        if (leaves.Count != to - from + 1)
            throw new InvalidOperationException($"Entries {from}–{to} are not all there ({leaves.Count} found): the chain is damaged, nothing is sealed over it.");

        var (keyId, key) = await keys.Signing(cancellationToken);
        var checkpoint = new AuditCheckpoint
        {
            Number = (last?.Number ?? 0) + 1,
            FromSequence = from,
            ToSequence = to,
            MerkleRoot = MerkleTree.Root(leaves),
            ChainHash = leaves[^1],
            SealedAt = EntryHash.Truncate(clock.GetUtcNow().UtcDateTime),
            KeyId = keyId,
        };
        checkpoint.Signature = CheckpointSignature.Sign(checkpoint, keyId, key);
        var stamp = new EventStamp(Actor.Service(AuditModule.Name), Guid.NewGuid(), clock);
        try
        {
            var sealedNow = await store.Write(async (w, ct) =>
            {
                // Under the chain head's lock (which every append takes too), so that two replicas sealing at once
                // serialise here and the second finds the first's checkpoint instead of failing its whole batch.
                await AuditChain.Head(w, ct);
                if (await w.Checkpoints.AnyAsync(c => c.Number == checkpoint.Number || c.FromSequence == checkpoint.FromSequence, ct))
                    return false;
                w.Checkpoints.Add(checkpoint);
                w.Publish(stamp.Stamp(new AuditCheckpointSealed
                {
                    Number = checkpoint.Number,
                    FromSequence = checkpoint.FromSequence,
                    ToSequence = checkpoint.ToSequence,
                    MerkleRoot = checkpoint.MerkleRoot,
                    ChainHash = checkpoint.ChainHash,
                    SealedAt = new DateTimeOffset(checkpoint.SealedAt, TimeSpan.Zero),
                    KeyId = checkpoint.KeyId,
                    Signature = checkpoint.Signature,
                }, ChainAggregate, checkpoint.Number));
                return true;
            });
            if (!sealedNow)
                return false; // another replica sealed this range first; the next pass starts after it
        }
        catch (DbUpdateException)
        {
            return false; // the same race where the head is not locked (SQLite: one writer anyway)
        }
        log.LogInformation("Audit checkpoint {Number} sealed over entries {From}–{To}", checkpoint.Number, from, to);
        return true;
    }
}
