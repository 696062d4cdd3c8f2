using System.Text.Json;
using Federation.Compute.Catalogue;
using Federation.Compute.Nodes;
using Federation.Compute.Tasks;
using Federation.Contracts.Compute;
using Federation.ServiceDefaults.Persistence;
using Federation.ServiceDefaults.Projections;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Federation.Compute.Data;

/// <summary>The compute role's own database: the node registry, tasks with their routing decisions, what the router knows of datasets and entitlements, outbox and inbox.</summary>
public sealed class ComputeDbContext(DbContextOptions<ComputeDbContext> options) : ServiceDbContext(options), IEntitlementProjection
{
    public DbSet<RegisteredNode> Nodes => Set<RegisteredNode>();
    public DbSet<KnownDataset> Datasets => Set<KnownDataset>();
    public DbSet<TaskRecord> Tasks => Set<TaskRecord>();
    public DbSet<TaskPart> TaskParts => Set<TaskPart>();
    public DbSet<ProjectedEntitlement> Entitlements => Set<ProjectedEntitlement>();
    public DbSet<Transfers.DatasetTransfer> Transfers => Set<Transfers.DatasetTransfer>();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<RegisteredNode>(e =>
        {
            e.ToTable("nodes");
            e.HasKey(n => n.Name);
            e.Property(n => n.Name).HasMaxLength(100);
            e.Property(n => n.Country).HasMaxLength(2);
            e.Property(n => n.Institution).HasMaxLength(NodeLimits.TextLength);
            e.Property(n => n.DataHolder).HasMaxLength(100);
            e.Property(n => n.Tier).HasMaxLength(30);
            // Capabilities are read whole (by the registry API and, later, the router): one JSON column each.
            e.Property(n => n.DeclaredCapabilities).HasMaxLength(1000)
                .HasConversion(c => JsonSerializer.Serialize(c, Json), s => JsonSerializer.Deserialize<NodeCapabilities>(s, Json)!);
            e.Property(n => n.ReportedCapabilities).HasMaxLength(1000)
                .HasConversion(c => c == null ? null : JsonSerializer.Serialize(c, Json), s => s == null ? null : JsonSerializer.Deserialize<NodeCapabilities>(s, Json));
            e.Property(n => n.Status).HasMaxLength(20);
            e.Property(n => n.RequestedBy).HasMaxLength(200);
            e.Property(n => n.DecidedBy).HasMaxLength(200);
            e.Property(n => n.Reason).HasMaxLength(NodeLimits.ReasonLength);
            e.Property(n => n.Liveness).HasMaxLength(20);
            e.Property(n => n.AgentVersion).HasMaxLength(100);
            e.Property(n => n.AllowedAlgorithms).HasMaxLength(4000)
                .HasConversion(l => l == null ? null : JsonSerializer.Serialize(l, Json), s => s == null ? null : JsonSerializer.Deserialize<List<string>>(s, Json),
                    new ValueComparer<List<string>?>((a, b) => a == null ? b == null : b != null && a.SequenceEqual(b), l => l == null ? 0 : l.Aggregate(0, (h, x) => HashCode.Combine(h, x)), l => l == null ? null : l.ToList()));
            e.Property(n => n.LastRefusal).HasMaxLength(500);
            e.Property(n => n.Version).IsConcurrencyToken();
            e.Ignore(n => n.Profile);
            e.HasIndex(n => n.Liveness);
        });
        modelBuilder.Entity<KnownDataset>(e =>
        {
            e.ToTable("datasets");
            e.HasKey(d => d.DatasetId);
            e.Property(d => d.DatasetId).HasMaxLength(200);
            e.Property(d => d.Node).HasMaxLength(100);
            e.Property(d => d.AccessModel).HasMaxLength(30);
            e.Property(d => d.Countries).AsCommaList(1000);
        });
        modelBuilder.Entity<TaskRecord>(e =>
        {
            e.ToTable("tasks");
            e.HasKey(t => t.Id);
            e.Property(t => t.Id).HasMaxLength(32);
            e.Property(t => t.Owner).HasMaxLength(200);
            e.Property(t => t.Name).HasMaxLength(200);
            e.Property(t => t.State).HasMaxLength(20);
            e.Property(t => t.Algorithm).HasMaxLength(500);
            e.Property(t => t.Datasets).AsCommaList(20000);
            e.Property(t => t.Version).IsConcurrencyToken();
            e.HasIndex(t => new { t.Owner, t.Id });
            e.HasIndex(t => t.State);
        });
        modelBuilder.Entity<TaskPart>(e =>
        {
            e.ToTable("task_parts");
            e.HasKey(p => new { p.TaskId, p.Node, p.Dataset });
            e.Property(p => p.TaskId).HasMaxLength(32);
            e.Property(p => p.Node).HasMaxLength(100);
            e.Property(p => p.Dataset).HasMaxLength(200);
            e.Property(p => p.State).HasMaxLength(20);
            e.Property(p => p.Reason).HasMaxLength(1000);
            e.Property(p => p.Visa).HasMaxLength(16000);
            e.Property(p => p.Kind).HasMaxLength(20);
        });
        modelBuilder.Entity<Transfers.DatasetTransfer>(e =>
        {
            e.ToTable("transfers");
            e.HasKey(t => t.Id);
            e.Property(t => t.Id).HasMaxLength(32);
            e.Property(t => t.TaskId).HasMaxLength(32);
            e.Property(t => t.Node).HasMaxLength(100);
            e.Property(t => t.Dataset).HasMaxLength(200);
            e.Property(t => t.TokenHash).HasMaxLength(64);
            e.HasIndex(t => t.TaskId);
        });
        modelBuilder.MapEntitlements();
    }
}
