using Federation.Compute.Data;
using Federation.Contracts.Access;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Federation.Compute.Tasks;

/// <summary>
/// An entitlement that ends (revoked, or expired) stops the researcher's unfinished tasks on that dataset: a queued
/// one is canceled at once, a running one is stopped by its executor within a poll (about a second).
/// </summary>
public static class EntitlementEnded
{
    public static async Task CancelTasks(ComputeDbContext db, string subject, string dataset, string reason, EventStamp stamp, CancellationToken cancellationToken)
    {
        // Datasets is a comma-joined column: narrow in the database by owner and state, match the dataset here.
        var open = await db.Tasks.Where(t => t.Owner == subject && !TesStates.Final.Contains(t.State)).ToListAsync(cancellationToken);
        foreach (var task in open.Where(t => t.Datasets.Contains(dataset)))
            TaskCancellation.Request(db, task, reason, stamp);
    }
}

public sealed class EntitlementRevokedTasksConsumer(GroupCommit<ComputeDbContext> store, TimeProvider clock) : InboxConsumer<ComputeDbContext, EntitlementRevoked>(store)
{
    protected override Task Apply(ComputeDbContext db, ConsumeContext<EntitlementRevoked> context, CancellationToken cancellationToken) =>
        EntitlementEnded.CancelTasks(db, context.Message.Subject, context.Message.DatasetId,
            $"the entitlement to {context.Message.DatasetId} was revoked: {context.Message.Reason}",
            new EventStamp(context.Message.Actor, context.Message.CorrelationId, clock), cancellationToken);
}

public sealed class EntitlementExpiredTasksConsumer(GroupCommit<ComputeDbContext> store, TimeProvider clock) : InboxConsumer<ComputeDbContext, EntitlementExpired>(store)
{
    protected override Task Apply(ComputeDbContext db, ConsumeContext<EntitlementExpired> context, CancellationToken cancellationToken) =>
        EntitlementEnded.CancelTasks(db, context.Message.Subject, context.Message.DatasetId, $"the entitlement to {context.Message.DatasetId} expired",
            new EventStamp(context.Message.Actor, context.Message.CorrelationId, clock), cancellationToken);
}
