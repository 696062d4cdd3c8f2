using Federation.Audit.Domain;
using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Federation.Audit.Data;

public sealed class AuditDbContext(DbContextOptions<AuditDbContext> options) : ServiceDbContext(options)
{
    public DbSet<AuditEntry> Entries => Set<AuditEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_entries");
            e.HasKey(a => a.Sequence);
            e.Property(a => a.Sequence).ValueGeneratedOnAdd();
            e.Property(a => a.EventType).HasMaxLength(300);
            e.Property(a => a.AggregateId).HasMaxLength(200);
            e.Property(a => a.ActorSubject).HasMaxLength(200);
            e.Property(a => a.ActorKind).HasMaxLength(40);
            e.Property(a => a.ActorRole).HasMaxLength(80);
            // A second guard behind the inbox: one entry per event, whatever the transport does.
            e.HasIndex(a => a.EventId).IsUnique();
            e.HasIndex(a => new { a.AggregateId, a.AggregateVersion });
            e.HasIndex(a => a.CorrelationId);
        });
    }
}
