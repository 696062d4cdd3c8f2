using System.Text.Json;
using Federation.Compute.Nodes;
using Federation.Contracts.Compute;
using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Federation.Compute.Data;

/// <summary>The compute role's own database: the node registry (tasks and routing decisions join it with issue 8), outbox and inbox.</summary>
public sealed class ComputeDbContext(DbContextOptions<ComputeDbContext> options) : ServiceDbContext(options)
{
    public DbSet<RegisteredNode> Nodes => Set<RegisteredNode>();

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
            e.Property(n => n.LastRefusal).HasMaxLength(500);
            e.Property(n => n.Version).IsConcurrencyToken();
            e.Ignore(n => n.Profile);
            e.HasIndex(n => n.Liveness);
        });
    }
}
