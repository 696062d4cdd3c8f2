using Microsoft.EntityFrameworkCore;

namespace Federation.NodeAgent.Audit;

/// <summary>The node audit chain's tables in the node's own database (beside the outbox the checkpoints leave by).</summary>
public static class LocalAuditModel
{
    public static void MapLocalAudit(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<LocalAuditEntry>(e =>
        {
            e.ToTable("node_audit_entries");
            e.HasKey(a => a.Sequence);
            e.Property(a => a.Sequence).ValueGeneratedNever(); // assigned by the head, never by an identity (gaps)
            e.Property(a => a.TaskId).HasMaxLength(200);
            e.Property(a => a.Owner).HasMaxLength(200);
            e.Property(a => a.Dataset).HasMaxLength(200);
            e.Property(a => a.Algorithm).HasMaxLength(300);
            e.Property(a => a.VisaHash).HasMaxLength(64);
            e.Property(a => a.State).HasMaxLength(40);
            e.Property(a => a.ResultHash).HasMaxLength(64);
            e.Property(a => a.PreviousHash).HasMaxLength(64);
            e.Property(a => a.Hash).HasMaxLength(64);
        });
        modelBuilder.Entity<LocalAuditHead>(e =>
        {
            e.ToTable("node_audit_head");
            e.HasKey(h => h.Id);
            e.Property(h => h.Id).ValueGeneratedNever();
            e.Property(h => h.Sequence).IsConcurrencyToken();
            e.Property(h => h.Hash).HasMaxLength(64);
        });
        modelBuilder.Entity<LocalAuditCheckpoint>(e =>
        {
            e.ToTable("node_audit_checkpoints");
            e.HasKey(c => c.Number);
            e.Property(c => c.Number).ValueGeneratedNever();
            e.Property(c => c.MerkleRoot).HasMaxLength(64);
            e.Property(c => c.ChainHash).HasMaxLength(64);
            e.Property(c => c.Signature).HasMaxLength(2000);
            e.HasIndex(c => c.FromSequence).IsUnique();
        });
        modelBuilder.Entity<LocalAuditKey>(e =>
        {
            e.ToTable("node_audit_keys");
            e.HasKey(k => k.Id);
            e.Property(k => k.Id).HasMaxLength(200);
            e.Property(k => k.PrivateKeyPem).HasMaxLength(4000);
        });
    }
}
