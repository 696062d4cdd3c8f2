using Federation.Compute.Data;
using Federation.ServiceDefaults.Messaging;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Federation.Compute.Tasks;

/// <summary>
/// What a node says of its part (finished, held) counts only when the node itself (its broker user) says it, for a part
/// still open, of the round it now runs: anything else is another node's word, a repeat, or a late answer.
/// </summary>
public static class NodeReports
{
    public static async Task<(TaskPart Part, TaskRecord Task)?> OpenPart(ComputeDbContext db, ConsumeContext context, string taskId, string node,
        string dataset, int round, ILogger log, CancellationToken cancellationToken)
    {
        if (!BrokerUser.Of(context).MaySpeakFor(node))
        {
            log.LogWarning("A report on node {Node}'s part of task {Task} came from another node's user: dropped", node, taskId);
            return null;
        }
        var part = await db.TaskParts.FindAsync([taskId, node, dataset], cancellationToken);
        var task = await db.Tasks.FindAsync([taskId], cancellationToken);
        return part is null || task is null || TesStates.IsFinal(part.State) || part.Round != round ? null : (part, task);
    }
}
