using Federation.Audit.Chain;
using Federation.Audit.Checkpoints;
using Federation.Audit.Context;
using Federation.Audit.Domain;
using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Federation.Audit.Data;

public sealed class AuditDbContext(DbContextOptions<AuditDbContext> options) : ServiceDbContext(options)
{
    public DbSet<AuditEntry> Entries => Set<AuditEntry>();

    public DbSet<AuditEntryRef> EntryRefs => Set<AuditEntryRef>();

    public DbSet<ChainHead> ChainHeads => Set<ChainHead>();

    public DbSet<AuditCheckpoint> Checkpoints => Set<AuditCheckpoint>();

    public DbSet<AuditKey> Keys => Set<AuditKey>();

    public DbSet<HeldEntitlement> HeldEntitlements => Set<HeldEntitlement>();

    public DbSet<TaskGrounds> TaskGrounds => Set<TaskGrounds>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_entries");
            e.HasKey(a => a.Sequence);
            // Assigned by the chain head: an identity may skip values (rolled-back transactions) or commit them out of order.
            e.Property(a => a.Sequence).ValueGeneratedNever();
            e.Property(a => a.EventType).HasMaxLength(300);
            e.Property(a => a.AggregateId).HasMaxLength(200);
            e.Property(a => a.ActorSubject).HasMaxLength(200);
            e.Property(a => a.ActorKind).HasMaxLength(40);
            e.Property(a => a.ActorRole).HasMaxLength(80);
            e.Property(a => a.PreviousHash).HasMaxLength(64);
            e.Property(a => a.Hash).HasMaxLength(64);
            e.Property(a => a.ActorClient).HasMaxLength(200);
            e.Property(a => a.Service).HasMaxLength(80);
            e.Property(a => a.Node).HasMaxLength(200);
            e.Property(a => a.Purpose).HasMaxLength(Context.EntryFacts.MaxPurposeLength);
            e.Property(a => a.PurposeCodes).HasMaxLength(1000);
            e.Property(a => a.Entitlements).HasMaxLength(2000);
            e.Property(a => a.Outcome).HasMaxLength(20);
            e.Property(a => a.OutcomeDetail);
            e.Property(a => a.ContentHash).HasMaxLength(64);
            // A second guard behind the inbox: one entry per event, whatever the transport does.
            e.HasIndex(a => a.EventId).IsUnique();
            e.HasIndex(a => new { a.AggregateId, a.AggregateVersion });
            e.HasIndex(a => a.CorrelationId);
            e.HasIndex(a => a.ActorSubject);
            e.HasIndex(a => a.OccurredAt);
            // Entries of one type in chain order: the action filter, the latest pruning record.
            e.HasIndex(a => new { a.EventType, a.Sequence });
        });
        modelBuilder.Entity<AuditEntryRef>(e =>
        {
            // Derived from the payload at append time (Query.EntryRefs), not hashed: the key serves every lookup
            // "entries about X" in chain order; the sequence index serves the backfill and pruning.
            e.ToTable("audit_entry_refs");
            e.HasKey(r => new { r.Kind, r.Value, r.Sequence });
            e.Property(r => r.Kind).HasMaxLength(20);
            e.Property(r => r.Value).HasMaxLength(Query.EntryRefs.MaxValueLength);
            e.HasIndex(r => r.Sequence);
        });
        // What later entries' context is resolved from (Context.EntryContext): kept at append time, looked up by key.
        modelBuilder.Entity<HeldEntitlement>(e =>
        {
            e.ToTable("audit_held_entitlements");
            e.HasKey(h => new { h.Subject, h.DatasetId });
            e.Property(h => h.Subject).HasMaxLength(200);
            e.Property(h => h.DatasetId).HasMaxLength(200);
            e.Property(h => h.EntitlementId).HasMaxLength(200);
            e.Property(h => h.RequestId).HasMaxLength(200);
        });
        modelBuilder.Entity<TaskGrounds>(e =>
        {
            e.ToTable("audit_task_grounds");
            e.HasKey(t => t.TaskId);
            e.Property(t => t.TaskId).HasMaxLength(200);
            e.Property(t => t.Owner).HasMaxLength(200);
            e.Property(t => t.Purpose).HasMaxLength(Context.EntryFacts.MaxPurposeLength);
            e.Property(t => t.PurposeCodes).HasMaxLength(1000);
        });
        modelBuilder.Entity<ChainHead>(e =>
        {
            e.ToTable("audit_chain_head");
            e.HasKey(h => h.Id);
            e.Property(h => h.Id).ValueGeneratedNever();
            e.Property(h => h.Sequence).IsConcurrencyToken();
            e.Property(h => h.Hash).HasMaxLength(64);
        });
        modelBuilder.Entity<AuditCheckpoint>(e =>
        {
            e.ToTable("audit_checkpoints");
            e.HasKey(c => c.Number);
            e.Property(c => c.Number).ValueGeneratedNever();
            e.Property(c => c.MerkleRoot).HasMaxLength(64);
            e.Property(c => c.ChainHash).HasMaxLength(64);
            e.Property(c => c.KeyId).HasMaxLength(64);
            e.Property(c => c.Signature).HasMaxLength(2000);
            e.HasIndex(c => c.FromSequence).IsUnique();
        });
        modelBuilder.Entity<AuditKey>(e =>
        {
            e.ToTable("audit_keys");
            e.HasKey(k => k.Id);
            e.Property(k => k.Id).HasMaxLength(64);
            e.Property(k => k.PrivateKeyPem).HasMaxLength(4000);
        });
    }
}
