using Federation.Compute.Data;
using Federation.ServiceDefaults.Events;
using Microsoft.EntityFrameworkCore;

namespace Federation.Compute.Tasks;

/// <summary>
/// A node that went silent cannot finish its parts; the task's policy (<c>federation.on_node_loss</c>) decides. By
/// default (<c>fail</c>) each open part there fails with SYSTEM_ERROR, and so does its task, naming the node. With
/// <c>wait</c> the parts show PAUSED and are sent again, same round, when the node is back (a late answer to the first
/// sending is then one of two, and only the first counts). Why not re-plan elsewhere: every placement of a dataset
/// needs its holding node (at-data runs there; a move to the central node is made by that node), so while it is
/// silent no other plan for its datasets exists.
/// </summary>
public static class SilentNodes
{
    public static async Task FailOpenParts(ComputeDbContext db, string node, EventStamp stamp, CancellationToken cancellationToken)
    {
        foreach (var (part, task) in await OpenParts(db, node, cancellationToken))
        {
            if (task.WaitForNodes)
            {
                TaskLifecycle.PartChanged(db, task, node, part.Dataset, TesStates.Paused, $"node {node} went silent; sent again when it is back (on_node_loss: wait)", stamp);
                continue;
            }
            part.State = TesStates.SystemError;
            part.Reason = $"node {node} went silent";
            TaskLifecycle.PartChanged(db, task, node, part.Dataset, part.State, part.Reason, stamp);
            TaskLifecycle.Change(db, task, TesStates.SystemError, $"{node}/{part.Dataset}: node {node} went silent before finishing its part", stamp);
        }
    }

    /// <summary>The node is back: the parts that waited for it go out again.</summary>
    public static async Task ResendWaitingParts(ComputeDbContext db, string node, Uri central, EventStamp stamp, CancellationToken cancellationToken)
    {
        foreach (var (part, task) in await OpenParts(db, node, cancellationToken))
        {
            if (!task.WaitForNodes)
                continue;
            if (part.Kind == TaskPartKinds.Transfer)
            {
                var transfer = await db.Transfers.FirstAsync(t => t.TaskId == task.Id && t.Dataset == part.Dataset, cancellationToken);
                TaskDispatch.SendTransfer(db, task, part, transfer, central, stamp);
            }
            else
                TaskDispatch.SendPart(db, task, part, part.Round, task.Training is null ? null : FederatedRounds.Parameters(FederatedRounds.Of(task)), stamp);
            TaskLifecycle.PartChanged(db, task, node, part.Dataset, TesStates.Running, $"node {node} is back: sent again", stamp);
        }
    }

    private static async Task<List<(TaskPart Part, TaskRecord Task)>> OpenParts(ComputeDbContext db, string node, CancellationToken cancellationToken)
    {
        var open = await db.TaskParts.Where(p => p.Node == node && p.State == TesStates.Running).ToListAsync(cancellationToken);
        var found = new List<(TaskPart, TaskRecord)>();
        foreach (var part in open)
            if (await db.Tasks.FindAsync([part.TaskId], cancellationToken) is { } task && !TesStates.IsFinal(task.State))
                found.Add((part, task));
        return found;
    }
}
