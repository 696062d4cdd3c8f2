using Federation.Compute.Data;
using Federation.ServiceDefaults.Events;
using Microsoft.EntityFrameworkCore;

namespace Federation.Compute.Tasks;

/// <summary>
/// A node that went silent cannot finish its parts: each open part there fails with SYSTEM_ERROR, and so does its
/// task, saying which node went silent. (Re-planning elsewhere needs data transfer to the central node, not built
/// yet; a task would then choose between the two by a policy parameter.)
/// </summary>
public static class SilentNodes
{
    public static async Task FailOpenParts(ComputeDbContext db, string node, EventStamp stamp, CancellationToken cancellationToken)
    {
        var open = await db.TaskParts.Where(p => p.Node == node && p.State == TesStates.Running).ToListAsync(cancellationToken);
        foreach (var part in open)
        {
            part.State = TesStates.SystemError;
            part.Reason = $"node {node} went silent";
            if (await db.Tasks.FindAsync([part.TaskId], cancellationToken) is not { } task || TesStates.IsFinal(task.State))
                continue;
            TaskLifecycle.PartChanged(db, task, node, part.Dataset, part.State, part.Reason, stamp);
            TaskLifecycle.Change(db, task, TesStates.SystemError, $"{node}/{part.Dataset}: node {node} went silent before finishing its part", stamp);
        }
    }
}
