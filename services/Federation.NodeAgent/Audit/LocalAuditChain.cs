using Federation.Contracts.Audit;
using Federation.Contracts.Compute;
using Federation.NodeAgent.Data;
using Federation.ServiceDefaults.Integrity;
using Microsoft.EntityFrameworkCore;

namespace Federation.NodeAgent.Audit;

/// <summary>
/// The node's own audit chain: every task part it is asked to run becomes an entry (what ran, under whose visa, what it
/// decided, the hash of what it released), hash-linked to the one before, in the same transaction as the
/// <c>TaskPartFinished</c> it publishes, so the two cannot disagree by a crash. The central audit role cannot alter it;
/// it receives its signed checkpoints (<see cref="LocalAuditSealer"/>) and cross-checks them.
/// </summary>
public static class LocalAuditChain
{
    /// <summary>The hook of the task consumer: runs inside its unit of work (group commit), adds the entry, does not save.</summary>
    public static async Task Record(NodeAgentDbContext db, string node, RunTaskPart part, string state, string? reason, string? result, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var head = await Head(db, cancellationToken);
        var record = new NodeAuditRecord(head.Sequence + 1, part.TaskId, part.Owner, part.Dataset, part.Algorithm,
            part.Visa is null ? null : NodeAuditForm.Sha256(part.Visa), state, reason, result is null ? null : NodeAuditForm.Sha256(result),
            NodeAuditForm.Truncate(clock.GetUtcNow()), head.Hash, "");
        var hash = NodeAuditForm.Hash(node, record);
        db.Set<LocalAuditEntry>().Add(new LocalAuditEntry
        {
            Sequence = record.Sequence, TaskId = record.TaskId, Owner = record.Owner, Dataset = record.Dataset, Algorithm = record.Algorithm,
            VisaHash = record.VisaHash, State = record.State, Reason = record.Reason, ResultHash = record.ResultHash,
            RecordedAt = record.RecordedAt.UtcDateTime, PreviousHash = record.PreviousHash, Hash = hash,
        });
        (head.Sequence, head.Hash) = (record.Sequence, hash);
    }

    /// <summary>The entry as it travels in a checkpoint.</summary>
    public static NodeAuditRecord Of(LocalAuditEntry e) => new(e.Sequence, e.TaskId, e.Owner, e.Dataset, e.Algorithm, e.VisaHash, e.State, e.Reason,
        e.ResultHash, new DateTimeOffset(DateTime.SpecifyKind(e.RecordedAt, DateTimeKind.Utc)), e.PreviousHash, e.Hash);

    /// <summary>The head, read once per transaction (locked on PostgreSQL), created at the first entry.</summary>
    internal static async Task<LocalAuditHead> Head(NodeAgentDbContext db, CancellationToken cancellationToken)
    {
        var heads = db.Set<LocalAuditHead>();
        // Without DbSet.Local's change detection over everything the batch tracks (it would run once per task part).
        var detect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            if (heads.Local.FirstOrDefault() is { } tracked)
                return tracked;
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detect;
        }
        var head = db.Database.IsNpgsql()
            ? (await heads.FromSqlRaw("SELECT * FROM node_audit_head WHERE id = 1 FOR UPDATE").ToListAsync(cancellationToken)).SingleOrDefault()
            : await heads.FindAsync([LocalAuditHead.SingleId], cancellationToken);
        if (head is null)
            heads.Add(head = new LocalAuditHead());
        return head;
    }
}
