using Federation.Contracts.Access;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Federation.ServiceDefaults.Projections;

/// <summary>
/// An entitlement as another role keeps it from the access role's events: who may use which dataset, from when
/// until when, and whether it ended early. Discovery grades search results by it; compute routes tasks by it.
/// </summary>
public sealed class ProjectedEntitlement
{
    public Guid EntitlementId { get; set; }
    public string Subject { get; set; } = "";
    public string DatasetId { get; set; } = "";
    public DateTime Start { get; set; }
    public DateTime End { get; set; }
    public bool Ended { get; set; }
}

/// <summary>A service database that keeps the entitlement projection (table <c>entitlements</c>).</summary>
public interface IEntitlementProjection
{
    DbSet<ProjectedEntitlement> Entitlements { get; }
}

public static class EntitlementProjection
{
    public static void MapEntitlements(this ModelBuilder modelBuilder) => modelBuilder.Entity<ProjectedEntitlement>(e =>
    {
        e.ToTable("entitlements");
        e.HasKey(x => x.EntitlementId);
        e.Property(x => x.EntitlementId).ValueGeneratedNever();
        e.Property(x => x.Subject).HasMaxLength(200);
        e.Property(x => x.DatasetId).HasMaxLength(200);
        e.HasIndex(x => x.Subject);
    });

    /// <summary>The table of <see cref="MapEntitlements"/>, for a service's hand-written migration.</summary>
    public static void CreateEntitlements(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "entitlements",
            columns: t => new
            {
                entitlement_id = t.Column<Guid>(nullable: false),
                subject = t.Column<string>(maxLength: 200, nullable: false),
                dataset_id = t.Column<string>(maxLength: 200, nullable: false),
                start = t.Column<DateTime>(nullable: false),
                end = t.Column<DateTime>(nullable: false),
                ended = t.Column<bool>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_entitlements", x => x.entitlement_id));
        migrationBuilder.CreateIndex("ix_entitlements_subject", "entitlements", "subject");
    }

    /// <summary>The three consumers on one queue <c>&lt;service&gt;-entitlements</c>.</summary>
    public static void AddEntitlementConsumers<TDb>(this IBusRegistrationConfigurator bus, string service)
        where TDb : ServiceDbContext, IEntitlementProjection
    {
        bus.AddInboxConsumer<EntitlementGrantedConsumer<TDb>, TDb>(service, "entitlements");
        bus.AddInboxConsumer<EntitlementRevokedConsumer<TDb>, TDb>(service, "entitlements");
        bus.AddInboxConsumer<EntitlementExpiredConsumer<TDb>, TDb>(service, "entitlements");
    }

    /// <summary>The datasets <paramref name="subject"/> is entitled to at <paramref name="now"/>.</summary>
    public static async Task<HashSet<string>> ActiveDatasets(this DbSet<ProjectedEntitlement> entitlements, string subject, DateTime now,
        CancellationToken cancellationToken) =>
        (await entitlements.AsNoTracking().Where(e => e.Subject == subject && !e.Ended && e.Start <= now && e.End > now)
            .Select(e => e.DatasetId).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);

    // An end that arrives before its grant (the queues are separate) leaves a marker the grant then respects.
    internal static async Task End<TDb>(TDb db, Guid entitlementId, CancellationToken cancellationToken) where TDb : IEntitlementProjection
    {
        var entitlement = await db.Entitlements.FindAsync([entitlementId], cancellationToken);
        if (entitlement is null)
            db.Entitlements.Add(new ProjectedEntitlement { EntitlementId = entitlementId, Ended = true });
        else
            entitlement.Ended = true;
    }
}

public sealed class EntitlementGrantedConsumer<TDb>(GroupCommit<TDb> store) : InboxConsumer<TDb, EntitlementGranted>(store)
    where TDb : ServiceDbContext, IEntitlementProjection
{
    protected override async Task Apply(TDb db, ConsumeContext<EntitlementGranted> context, CancellationToken cancellationToken)
    {
        var granted = context.Message;
        if (await db.Entitlements.FindAsync([granted.EntitlementId], cancellationToken) is { } existing)
        {
            // A marker left by an end that came first: fill in what it is about, keep it ended.
            existing.Subject = granted.Subject;
            existing.DatasetId = granted.DatasetId;
            existing.Start = granted.Start.UtcDateTime;
            existing.End = granted.End.UtcDateTime;
            return;
        }
        db.Entitlements.Add(new ProjectedEntitlement
        {
            EntitlementId = granted.EntitlementId,
            Subject = granted.Subject,
            DatasetId = granted.DatasetId,
            Start = granted.Start.UtcDateTime,
            End = granted.End.UtcDateTime,
        });
    }
}

public sealed class EntitlementRevokedConsumer<TDb>(GroupCommit<TDb> store) : InboxConsumer<TDb, EntitlementRevoked>(store)
    where TDb : ServiceDbContext, IEntitlementProjection
{
    protected override Task Apply(TDb db, ConsumeContext<EntitlementRevoked> context, CancellationToken cancellationToken) =>
        EntitlementProjection.End(db, context.Message.EntitlementId, cancellationToken);
}

public sealed class EntitlementExpiredConsumer<TDb>(GroupCommit<TDb> store) : InboxConsumer<TDb, EntitlementExpired>(store)
    where TDb : ServiceDbContext, IEntitlementProjection
{
    protected override Task Apply(TDb db, ConsumeContext<EntitlementExpired> context, CancellationToken cancellationToken) =>
        EntitlementProjection.End(db, context.Message.EntitlementId, cancellationToken);
}
