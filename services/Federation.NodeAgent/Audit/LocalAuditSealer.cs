using System.Security.Cryptography;
using Federation.Contracts;
using Federation.Contracts.Audit;
using Federation.NodeAgent.Data;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Hosting;
using Federation.ServiceDefaults.Integrity;
using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Federation.NodeAgent.Audit;

/// <summary>
/// Seals the node's audit chain: as soon as <see cref="NodeAuditOptions.CheckpointEvery"/> entries wait, or when the oldest
/// has waited <see cref="NodeAuditOptions.CheckpointInterval"/>. A checkpoint (Merkle root and chain hash of its range,
/// signed with the node's own key, created at first start and kept in the node's database) is stored and published as
/// <see cref="NodeAuditCheckpointSealed"/> with every entry it covers, in one transaction through the node's outbox.
/// </summary>
public sealed class LocalAuditSealer(
    IDbContextFactory<NodeAgentDbContext> factory,
    GroupCommit<NodeAgentDbContext> store,
    ServiceDatabase<NodeAgentDbContext> database,
    IOptions<NodeAgentOptions> node,
    NodeAuditOptions options,
    TimeProvider clock,
    ILogger<LocalAuditSealer> log) : BackgroundService
{
    private (string Id, ECDsa Key)? signing;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = options.CheckpointInterval < TimeSpan.FromSeconds(1) ? options.CheckpointInterval : TimeSpan.FromSeconds(1);
        return PollingLoop.Run(async ct =>
        {
            await database.WhenSchemaReady(ct);
            return await SealNext(ct);
        }, poll, TimeSpan.FromSeconds(1), clock, log, "Node audit checkpoint sealing", stoppingToken);
    }

    /// <summary>Seals the next checkpoint if one is due; returns whether it did.</summary>
    internal async Task<bool> SealNext(CancellationToken cancellationToken)
    {
        var name = node.Value.NodeName;
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var head = await db.Set<LocalAuditHead>().AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        var last = await db.Set<LocalAuditCheckpoint>().AsNoTracking().OrderByDescending(c => c.Number).FirstOrDefaultAsync(cancellationToken);
        var from = (last?.ToSequence ?? 0) + 1;
        if (head is null || head.Sequence < from)
            return false;
        var oldest = await db.Set<LocalAuditEntry>().AsNoTracking().Where(e => e.Sequence == from).Select(e => e.RecordedAt).SingleAsync(cancellationToken);
        long to;
        if (head.Sequence - from + 1 >= options.CheckpointEvery)
            to = from + options.CheckpointEvery - 1;
        else if (clock.GetUtcNow().UtcDateTime - DateTime.SpecifyKind(oldest, DateTimeKind.Utc) >= options.CheckpointInterval)
            to = head.Sequence;
        else
            return false;

        var entries = await db.Set<LocalAuditEntry>().AsNoTracking().Where(e => e.Sequence >= from && e.Sequence <= to).OrderBy(e => e.Sequence)
            .ToListAsync(cancellationToken);
        if (entries.Count != to - from + 1)
            throw new InvalidOperationException($"Node audit entries {from}–{to} are not all there ({entries.Count} found): nothing is sealed over them.");
        var (keyId, key) = await Key(cancellationToken);
        var sealedAt = NodeAuditForm.Truncate(clock.GetUtcNow());
        var root = MerkleTree.Root(entries.Select(e => e.Hash).ToList());
        var checkpoint = new LocalAuditCheckpoint
        {
            Number = (last?.Number ?? 0) + 1, FromSequence = from, ToSequence = to, MerkleRoot = root, ChainHash = entries[^1].Hash,
            SealedAt = sealedAt.UtcDateTime,
        };
        checkpoint.Signature = Es256Jws.Sign(keyId, NodeAuditForm.CheckpointType,
            NodeAuditForm.CheckpointPayload(name, checkpoint.Number, from, to, root, checkpoint.ChainHash, sealedAt), key);
        var jwk = Es256Jws.PublicJwk(keyId, key);
        var stamp = new EventStamp(new Actor($"node:{name}", "node", "node-agent"), Guid.NewGuid(), clock);
        var sealedNow = await store.Write(async (w, ct) =>
        {
            LocalAuditChain.Head(w); // under the head's lock, like every append
            if (await w.Set<LocalAuditCheckpoint>().AnyAsync(c => c.Number == checkpoint.Number || c.FromSequence == from, ct))
                return false;
            w.Set<LocalAuditCheckpoint>().Add(checkpoint);
            w.Publish(stamp.Stamp(new NodeAuditCheckpointSealed
            {
                Node = name, Number = checkpoint.Number, FromSequence = from, ToSequence = to, MerkleRoot = root, ChainHash = checkpoint.ChainHash,
                SealedAt = sealedAt, KeyId = keyId, PublicKeyX = jwk["x"], PublicKeyY = jwk["y"], Signature = checkpoint.Signature,
                Entries = entries.Select(LocalAuditChain.Of).ToList(),
            }, $"node-audit:{name}", checkpoint.Number));
            return true;
        });
        if (sealedNow)
            log.LogInformation("Node audit checkpoint {Number} sealed over entries {From}–{To}", checkpoint.Number, from, to);
        return sealedNow;
    }

    /// <summary>The node's signing key: created at first start under a fixed id and kept in its database.</summary>
    private async Task<(string Id, ECDsa Key)> Key(CancellationToken cancellationToken)
    {
        if (signing is { } known)
            return known;
        var id = $"node-{node.Value.NodeName}-audit-1";
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var stored = await db.Set<LocalAuditKey>().AsNoTracking().SingleOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (stored is null)
        {
            using var created = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            stored = new LocalAuditKey { Id = id, PrivateKeyPem = created.ExportPkcs8PrivateKeyPem(), CreatedAt = clock.GetUtcNow().UtcDateTime };
            db.Set<LocalAuditKey>().Add(stored);
            await db.SaveChangesAsync(cancellationToken);
        }
        var key = ECDsa.Create();
        key.ImportFromPem(stored.PrivateKeyPem);
        signing = (id, key);
        return signing.Value;
    }
}
