using Federation.AccessRequests.Domain;
using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Federation.AccessRequests.Data;

/// <summary>The access role's own database: requests, their datasets, outbox and inbox.</summary>
public sealed class AccessDbContext(DbContextOptions<AccessDbContext> options) : ServiceDbContext(options)
{
    public DbSet<AccessRequest> AccessRequests => Set<AccessRequest>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<AccessRequest>(e =>
        {
            e.ToTable("access_requests");
            e.HasKey(r => r.Id);
            e.Property(r => r.Title).HasMaxLength(AccessRequestLimits.TitleLength);
            e.Property(r => r.Purpose).HasMaxLength(AccessRequestLimits.PurposeLength);
            e.Property(r => r.Applicant).HasMaxLength(200);
            e.Property(r => r.State).HasConversion<string>().HasMaxLength(40);
            e.Property(r => r.Version).IsConcurrencyToken();
            e.Ignore(r => r.DatasetIds);
            e.HasIndex(r => new { r.Applicant, r.CreatedAt });
            e.HasMany(r => r.Datasets).WithOne().HasForeignKey(d => d.RequestId).OnDelete(DeleteBehavior.Cascade);
            e.Navigation(r => r.Datasets).AutoInclude();
        });
        modelBuilder.Entity<RequestedDataset>(e =>
        {
            e.ToTable("requested_datasets");
            e.HasKey(d => new { d.RequestId, d.DatasetId });
            e.Property(d => d.DatasetId).HasMaxLength(AccessRequestLimits.DatasetIdLength);
        });
    }
}
