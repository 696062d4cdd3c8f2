using Federation.Compute.Data;
using Federation.Contracts;
using Federation.Contracts.Compute;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Federation.Compute.Nodes;

/// <summary>
/// Keeps each enrolled node's liveness, capabilities and queue length current from its heartbeats; a node coming
/// back online gets the parts that waited for it (<see cref="Tasks.SilentNodes"/>).
/// </summary>
public sealed class NodeHeartbeatConsumer(
    GroupCommit<ComputeDbContext> store, IOptions<Tasks.CentralOptions> central, TimeProvider clock, ILogger<NodeHeartbeatConsumer> log)
    : InboxConsumer<ComputeDbContext, NodeHeartbeat>(store)
{
    protected override async Task Apply(ComputeDbContext db, ConsumeContext<NodeHeartbeat> context, CancellationToken cancellationToken)
    {
        var beat = context.Message;
        var node = await db.Nodes.FindAsync([beat.Node], cancellationToken);
        var outcome = NodeHeartbeats.Record(node, beat, BrokerUser.Of(context), clock.GetUtcNow());
        if (!outcome.Accepted)
        {
            log.LogWarning("Heartbeat of node {Node} refused: {Reason}", beat.Node, outcome.Refusal);
            return;
        }
        if (outcome.Change is { } change)
        {
            var stamp = new EventStamp(Actor.Service(ComputeModule.Name), context.CorrelationId ?? Guid.NewGuid(), clock);
            db.Publish(stamp.Stamp(change, node!.Name, node.Version));
            log.LogInformation("Node {Node} is {Liveness}", node.Name, change.Liveness);
            await Tasks.SilentNodes.ResendWaitingParts(db, node.Name, central.Value.PublicUrl!, stamp, cancellationToken);
        }
    }
}
