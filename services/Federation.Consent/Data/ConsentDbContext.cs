using Federation.Consent.Domain;
using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Federation.Consent.Data;

/// <summary>The consent role's own database: versioned data-use conditions per dataset, outbox and inbox.</summary>
public sealed class ConsentDbContext(DbContextOptions<ConsentDbContext> options) : ServiceDbContext(options)
{
    public DbSet<ConditionsVersion> Conditions => Set<ConditionsVersion>();

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
            // Codes are DUO/MONDO CURIEs (no commas), so a comma-joined column is unambiguous and provider-neutral.
            e.Property(c => c.Diseases).HasMaxLength(2000).HasConversion(
                list => string.Join(',', list),
                text => text.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList(),
                new ValueComparer<List<string>>((a, b) => a!.SequenceEqual(b!), l => l.Aggregate(0, (h, s) => HashCode.Combine(h, s)), l => l.ToList()));
            e.Property(c => c.ModifiersJson).HasMaxLength(20000);
            e.Property(c => c.SetBy).HasMaxLength(200);
            e.Ignore(c => c.Conditions);
        });
    }
}
