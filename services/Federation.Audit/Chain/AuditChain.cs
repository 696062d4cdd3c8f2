using Federation.Audit.Context;
using Federation.Audit.Data;
using Federation.Audit.Domain;
using Federation.Audit.Query;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Federation.Audit.Chain;

/// <summary>
/// Appends entries to the chain inside a group-commit batch. Units of one batch run one after the other on one
/// context, so they take sequences and hashes in that order from the tracked head; the head row's lock and
/// concurrency token serialise batches of different processes.
/// </summary>
public static class AuditChain
{
    public static async Task Append(AuditDbContext db, AuditEntry entry, CancellationToken cancellationToken)
    {
        // The head first: its lock (PostgreSQL) also orders the context lookups of replicas appending at once.
        var head = await Head(db, cancellationToken);
        entry.Format = EntryHash.CurrentFormat;
        using var payload = Parse(entry.Payload); // once for the context and the refs: JSON is most of an append's CPU
        var root = payload?.RootElement ?? default;
        await EntryContext.Fill(db, entry, root, cancellationToken);
        Link(head, entry);
        db.Entries.Add(entry);
        // What the entry is about, for queries and rights: derived from the payload, beside the chain, not hashed.
        db.EntryRefs.AddRange(EntryRefs.Of(entry, root));
    }

    private static System.Text.Json.JsonDocument? Parse(string payload)
    {
        try
        {
            return System.Text.Json.JsonDocument.Parse(payload);
        }
        catch (System.Text.Json.JsonException)
        {
            return null; // recorded (and hashed) all the same; it states nothing beyond its envelope
        }
    }

    /// <summary>Makes <paramref name="entry"/> the successor of <paramref name="head"/> and advances the head.</summary>
    private static void Link(ChainHead head, AuditEntry entry)
    {
        entry.OccurredAt = EntryHash.Truncate(entry.OccurredAt);
        entry.RecordedAt = EntryHash.Truncate(entry.RecordedAt);
        entry.Sequence = head.Sequence + 1;
        entry.PreviousHash = head.Hash;
        entry.Hash = EntryHash.Of(entry);
        head.Sequence = entry.Sequence;
        head.Hash = entry.Hash;
    }

    /// <summary>The head, tracked by <paramref name="db"/>: read (and locked) once per transaction, created at the first append.</summary>
    public static async Task<ChainHead> Head(AuditDbContext db, CancellationToken cancellationToken)
    {
        if (Tracked(db, db.ChainHeads).FirstOrDefault() is { } tracked)
            return tracked;
        var head = db.Database.IsNpgsql() && db.Database.CurrentTransaction is { } transaction
            ? await Locked(db, transaction.GetDbTransaction(), cancellationToken)
            : await db.ChainHeads.FindAsync([ChainHead.SingleId], cancellationToken);
        return head ?? await Start(db, cancellationToken);
    }

    /// <summary>
    /// Reads and locks the head row in <paramref name="transaction"/> with a plain command, then tracks it as read (its
    /// sequence is the update's concurrency token): EF Core's query pipeline for this one-row read, once per batch, was
    /// about 3 % of the audit host's CPU under load.
    /// </summary>
    private static async Task<ChainHead?> Locked(AuditDbContext db, System.Data.Common.DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT sequence, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE";
        ChainHead head;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
                return null;
            head = new ChainHead { Sequence = reader.GetInt64(0), Hash = reader.GetString(1) };
        }
        db.ChainHeads.Attach(head);
        return head;
    }

    /// <summary>
    /// What <paramref name="db"/> tracks of one set, without the change detection <c>DbSet.Local</c> runs over everything
    /// tracked: in a batch of hundreds of appends (each with its refs) that detection, once per append, was quadratic.
    /// Entities added in this batch are found all the same (they are in the state manager).
    /// </summary>
    public static List<T> Tracked<T>(AuditDbContext db, DbSet<T> set) where T : class
    {
        var detect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            return set.Local.ToList();
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }

    /// <summary>
    /// Creates the head. Entries recorded before the chain existed (the migration adds the hash columns empty) are
    /// chained first, in their recording order, renumbered 1…N: the identity that numbered them may have left gaps.
    /// Runs once per database, in the transaction of the first write after the upgrade; two replicas racing here
    /// collide on the head's primary key and the loser's batch is redone on top of the winner's chain.
    /// </summary>
    private static async Task<ChainHead> Start(AuditDbContext db, CancellationToken cancellationToken)
    {
        var head = new ChainHead();
        var legacy = await db.Entries.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync(cancellationToken);
        if (legacy.Count > 0)
        {
            await db.Entries.ExecuteDeleteAsync(cancellationToken);
            await db.EntryRefs.ExecuteDeleteAsync(cancellationToken);
            foreach (var entry in legacy)
            {
                Link(head, entry);
                db.Entries.Add(entry);
                db.EntryRefs.AddRange(EntryRefs.Of(entry));
            }
        }
        db.ChainHeads.Add(head);
        return head;
    }
}
