using Federation.Compute.Data;
using Federation.Contracts;
using Federation.Contracts.Compute;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Federation.Compute.Tasks;

/// <summary>
/// A node holds its part's result for its operator's release: the task shows the part PAUSED with the node's reason
/// (the part stays open; the node's <c>TaskPartFinished</c> follows the operator's decision). Only the node itself may say so.
/// </summary>
public sealed class TaskPartHeldConsumer(GroupCommit<ComputeDbContext> store, TimeProvider clock, ILogger<TaskPartHeldConsumer> log)
    : InboxConsumer<ComputeDbContext, TaskPartHeld>(store)
{
    protected override async Task Apply(ComputeDbContext db, ConsumeContext<TaskPartHeld> context, CancellationToken cancellationToken)
    {
        var held = context.Message;
        if (!BrokerUser.Of(context).MaySpeakFor(held.Node))
        {
            log.LogWarning("A hold for node {Node}'s part of task {Task} came from another node's user: dropped", held.Node, held.TaskId);
            return;
        }
        var part = await db.TaskParts.FindAsync([held.TaskId, held.Node, held.Dataset], cancellationToken);
        var task = await db.Tasks.FindAsync([held.TaskId], cancellationToken);
        if (part is null || task is null || TesStates.IsFinal(part.State) || part.Round != held.Round || TesStates.IsFinal(task.State))
            return;
        TaskLifecycle.PartChanged(db, task, held.Node, held.Dataset, TesStates.Paused, held.Reason,
            new EventStamp(Actor.Service(ComputeModule.Name), held.CorrelationId, clock));
    }
}
