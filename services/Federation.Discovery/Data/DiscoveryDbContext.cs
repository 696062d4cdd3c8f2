using Federation.Discovery.Catalogue;
using Federation.Discovery.Search;
using Federation.ServiceDefaults.Persistence;
using Federation.ServiceDefaults.Projections;
using Microsoft.EntityFrameworkCore;

namespace Federation.Discovery.Data;

/// <summary>The discovery role's own database: the catalogue, the entitlements that grade search results, outbox and inbox.</summary>
public sealed class DiscoveryDbContext(DbContextOptions<DiscoveryDbContext> options) : ServiceDbContext(options), IEntitlementProjection
{
    public DbSet<CatalogueEntry> Catalogue => Set<CatalogueEntry>();
    public DbSet<ProjectedEntitlement> Entitlements => Set<ProjectedEntitlement>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<CatalogueEntry>(e =>
        {
            e.ToTable("catalogue");
            e.HasKey(c => c.DatasetId);
            e.Property(c => c.DatasetId).HasMaxLength(200);
            e.Property(c => c.Node).HasMaxLength(100);
            e.Property(c => c.DataHolder).HasMaxLength(100);
            e.Property(c => c.Title).HasMaxLength(300);
            e.Property(c => c.Description).HasMaxLength(4000);
            e.Property(c => c.CancerType).HasMaxLength(40);
            e.Property(c => c.Modalities).HasMaxLength(400);
            e.Property(c => c.BodyParts).HasMaxLength(2000);
            e.Property(c => c.DescriptionJson).HasMaxLength(100_000);
            e.Ignore(c => c.Dataset);
            e.HasIndex(c => new { c.Retired, c.Title });
        });
        modelBuilder.MapEntitlements();
    }
}
