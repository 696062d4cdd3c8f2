using Federation.Consent.Domain;
using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Federation.Consent.Data;

/// <summary>The consent role's own database: versioned data-use conditions per dataset, outbox and inbox.</summary>
public sealed class ConsentDbContext(DbContextOptions<ConsentDbContext> options) : ServiceDbContext(options)
{
    public DbSet<ConditionsVersion> Conditions => Set<ConditionsVersion>();
    public DbSet<Withdrawal> Withdrawals => Set<Withdrawal>();
    public DbSet<DatasetLocation> Locations => Set<DatasetLocation>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<ConditionsVersion>(e =>
        {
            e.ToTable("dataset_conditions");
            e.HasKey(c => new { c.DatasetId, c.Version });
            e.Property(c => c.DatasetId).HasMaxLength(ConsentLimits.DatasetIdLength);
            e.Property(c => c.DataHolder).HasMaxLength(100);
            e.Property(c => c.Permission).HasMaxLength(20);
            e.Property(c => c.Diseases).AsCommaList(2000);
            e.Property(c => c.ModifiersJson).HasMaxLength(20000);
            e.Property(c => c.SetBy).HasMaxLength(200);
            e.Ignore(c => c.Conditions);
        });
        modelBuilder.Entity<Withdrawal>(e =>
        {
            e.ToTable("withdrawals");
            e.HasKey(w => new { w.DatasetId, w.SubjectId });
            e.Property(w => w.DatasetId).HasMaxLength(ConsentLimits.DatasetIdLength);
            e.Property(w => w.SubjectId).HasMaxLength(ConsentLimits.ValueLength);
            e.Property(w => w.Node).HasMaxLength(100);
            e.Property(w => w.Reason).HasMaxLength(1000);
            e.Property(w => w.RecordedBy).HasMaxLength(200);
            // A second writer of the same sequence loses at commit: each withdrawal is exactly one version.
            e.HasIndex(w => new { w.DatasetId, w.Sequence }).IsUnique();
        });
        modelBuilder.Entity<DatasetLocation>(e =>
        {
            e.ToTable("dataset_locations");
            e.HasKey(l => l.DatasetId);
            e.Property(l => l.DatasetId).HasMaxLength(ConsentLimits.DatasetIdLength);
            e.Property(l => l.Node).HasMaxLength(100);
            e.Property(l => l.DataHolder).HasMaxLength(100);
        });
    }
}
