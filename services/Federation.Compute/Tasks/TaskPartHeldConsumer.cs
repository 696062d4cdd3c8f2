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
        if (await NodeReports.OpenPart(db, context, held.TaskId, held.Node, held.Dataset, held.Round, log, cancellationToken) is not { } open
            || TesStates.IsFinal(open.Task.State))
            return;
        var task = open.Task;
        TaskLifecycle.PartChanged(db, task, held.Node, held.Dataset, TesStates.Paused, held.Reason,
            new EventStamp(Actor.Service(ComputeModule.Name), held.CorrelationId, clock));
    }
}
