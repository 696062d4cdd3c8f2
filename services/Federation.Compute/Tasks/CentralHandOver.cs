using System.Text.Json;
using Federation.Compute.Data;
using Federation.ServiceDefaults.Events;
using Microsoft.EntityFrameworkCore;

namespace Federation.Compute.Tasks;

/// <summary>
/// Every part of a plan that moves data has reported: the copies to the central node, and the parts run at nodes (a
/// hybrid plan). If all arrived whole (as many files as each node says it sent), the task is queued for the central
/// executor, the nodes' own results already in its log; otherwise it ends with the first failure. Either way the
/// transfers close: nothing more is accepted for this task.
/// </summary>
public static class CentralHandOver
{
    /// <summary>What a node reports having sent.</summary>
    public sealed record Sent(int Files, long Bytes);

    public static async Task AllReported(ComputeDbContext db, TaskRecord task, IReadOnlyList<TaskPart> parts, TaskPart? failed, EventStamp stamp,
        CancellationToken cancellationToken)
    {
        var transfers = await db.Transfers.Where(t => t.TaskId == task.Id).ToListAsync(cancellationToken);
        transfers.ForEach(t => t.Open = false);
        var runs = parts.Where(p => p.Kind == TaskPartKinds.Run).ToList();
        if (runs.Count > 0 && !task.Algorithm.StartsWith("builtin:", StringComparison.Ordinal))
            NodeProcessResults.Collect(task, runs, stamp.Now);
        if (failed is not null)
        {
            TaskLifecycle.Change(db, task, failed.State, $"{failed.Node}/{failed.Dataset}: {failed.Reason}", stamp);
            return;
        }
        foreach (var part in parts.Where(p => p.Kind == TaskPartKinds.Transfer))
        {
            var sent = JsonSerializer.Deserialize<Sent>(part.Result ?? "{}", TaskLifecycle.Json);
            var arrived = transfers.FirstOrDefault(t => t.Dataset == part.Dataset);
            if (sent is null || arrived is null || sent.Files != arrived.Files || sent.Bytes != arrived.Bytes)
            {
                TaskLifecycle.Change(db, task, TesStates.SystemError,
                    $"{part.Node}/{part.Dataset}: the node sent {sent?.Files} file(s), {sent?.Bytes} bytes; {arrived?.Files} file(s), {arrived?.Bytes} bytes arrived", stamp);
                return;
            }
        }
        task.CentralReady = true;
        TaskLifecycle.Change(db, task, TesStates.Queued,
            $"{string.Join(", ", transfers.Select(t => $"{t.Dataset} ({t.Files} files, {t.Bytes} bytes from {t.Node})"))} at the central node; queued for the central executor",
            stamp);
    }
}
