using Federation.Contracts.Access;
using Federation.Discovery.Data;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using MassTransit;

namespace Federation.Discovery.Search;

public sealed class EntitlementGrantedConsumer(GroupCommit<DiscoveryDbContext> store) : InboxConsumer<DiscoveryDbContext, EntitlementGranted>(store)
{
    protected override async Task Apply(DiscoveryDbContext db, ConsumeContext<EntitlementGranted> context, CancellationToken cancellationToken)
    {
        var granted = context.Message;
        if (await db.Entitlements.FindAsync([granted.EntitlementId], cancellationToken) is null)
            db.Entitlements.Add(new DiscoveryEntitlement
            {
                EntitlementId = granted.EntitlementId,
                Subject = granted.Subject,
                DatasetId = granted.DatasetId,
                Start = granted.Start.UtcDateTime,
                End = granted.End.UtcDateTime,
            });
    }
}

public sealed class EntitlementRevokedConsumer(GroupCommit<DiscoveryDbContext> store) : InboxConsumer<DiscoveryDbContext, EntitlementRevoked>(store)
{
    protected override Task Apply(DiscoveryDbContext db, ConsumeContext<EntitlementRevoked> context, CancellationToken cancellationToken) =>
        EntitlementEnds.End(db, context.Message.EntitlementId, cancellationToken);
}

public sealed class EntitlementExpiredConsumer(GroupCommit<DiscoveryDbContext> store) : InboxConsumer<DiscoveryDbContext, EntitlementExpired>(store)
{
    protected override Task Apply(DiscoveryDbContext db, ConsumeContext<EntitlementExpired> context, CancellationToken cancellationToken) =>
        EntitlementEnds.End(db, context.Message.EntitlementId, cancellationToken);
}

internal static class EntitlementEnds
{
    // An end that arrives before its grant (the queues are separate) leaves a marker the grant then respects.
    public static async Task End(DiscoveryDbContext db, Guid entitlementId, CancellationToken cancellationToken)
    {
        var entitlement = await db.Entitlements.FindAsync([entitlementId], cancellationToken);
        if (entitlement is null)
            db.Entitlements.Add(new DiscoveryEntitlement { EntitlementId = entitlementId, Ended = true });
        else
            entitlement.Ended = true;
    }
}
