using Federation.Contracts.Audit;
using Federation.NodeAgent.Data;
using Federation.ServiceDefaults.Integrity;
using Microsoft.EntityFrameworkCore;

namespace Federation.NodeAgent.Audit;

/// <summary>What ran, as far as the code that releases a part knows it: the owner, the algorithm (<c>transfer</c> for a data transfer), the visa.</summary>
public sealed record Executed(string Owner, string Algorithm, string? Visa);

/// <summary>
/// The node's own audit chain: every outcome of a task part the node releases (a round's result or refusal, an operator's
/// release or withholding of a held result, a data transfer's report) becomes an entry: what it says, what ran, under
/// whose visa (its hash), the hash of what was released, hash-linked to the entry before. Written by one line in
/// <c>Releases.Finish</c>, the one place every <c>TaskPartFinished</c> of the node is published from, in the same
/// transaction: the two cannot disagree by a crash. The central audit role cannot alter it; it receives its signed
/// checkpoints (<see cref="LocalAuditSealer"/>) and cross-checks them.
/// </summary>
public static class LocalAuditChain
{
    /// <summary>
    /// Adds the entry of one released outcome to <paramref name="db"/>'s unit of work (group commit); does not save.
    /// Synchronous like its caller: the head is read from the store once per transaction (then tracked), a short wait.
    /// </summary>
    public static void Record(NodeAgentDbContext db, string node, string task, string dataset, int round, string state, string? reason, string? result,
        Executed? executed, DateTimeOffset now)
    {
        var head = Head(db);
        var record = new NodeAuditRecord(head.Sequence + 1, task, dataset, round, executed?.Owner, executed?.Algorithm,
            executed?.Visa is { } visa ? NodeAuditForm.Sha256(visa) : null, state, reason, result is null ? null : NodeAuditForm.Sha256(result),
            NodeAuditForm.Truncate(now), head.Hash, "");
        var hash = NodeAuditForm.Hash(node, record);
        db.Set<LocalAuditEntry>().Add(new LocalAuditEntry
        {
            Sequence = record.Sequence, TaskId = record.TaskId, Dataset = record.Dataset, Round = record.Round, Owner = record.Owner,
            Algorithm = record.Algorithm, VisaHash = record.VisaHash, State = record.State, Reason = record.Reason, ResultHash = record.ResultHash,
            RecordedAt = record.RecordedAt.UtcDateTime, PreviousHash = record.PreviousHash, Hash = hash,
        });
        (head.Sequence, head.Hash) = (record.Sequence, hash);
    }

    /// <summary>The entry as it travels in a checkpoint.</summary>
    public static NodeAuditRecord Of(LocalAuditEntry e) => new(e.Sequence, e.TaskId, e.Dataset, e.Round, e.Owner, e.Algorithm, e.VisaHash, e.State,
        e.Reason, e.ResultHash, new DateTimeOffset(DateTime.SpecifyKind(e.RecordedAt, DateTimeKind.Utc)), e.PreviousHash, e.Hash);

    /// <summary>The head, read once per transaction (locked on PostgreSQL), created at the first entry.</summary>
    internal static LocalAuditHead Head(NodeAgentDbContext db)
    {
        var heads = db.Set<LocalAuditHead>();
        // Without DbSet.Local's change detection over everything the batch tracks (it would run once per released part).
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
            ? heads.FromSqlRaw("SELECT * FROM node_audit_head WHERE id = 1 FOR UPDATE").AsEnumerable().SingleOrDefault()
            : heads.Find(LocalAuditHead.SingleId);
        if (head is null)
            heads.Add(head = new LocalAuditHead());
        return head;
    }
}
