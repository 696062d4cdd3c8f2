using Federation.Compute.Data;
using Federation.ServiceDefaults.Events;

namespace Federation.Compute.Tasks;

/// <summary>
/// Cancelling: a task not started yet, or one whose parts run at nodes, is canceled at once (a node's late result is
/// recorded and ignored; built-in parts are short, and a stop command to nodes comes with longer executors there);
/// a task running at the central node goes to CANCELING and its executor, which watches
/// <see cref="TaskRecord.CancelRequested"/>, stops it and records CANCELED. A finished task stays as it is.
/// </summary>
public static class TaskCancellation
{
    public static void Request(ComputeDbContext db, TaskRecord task, string reason, EventStamp stamp)
    {
        if (TesStates.IsFinal(task.State) || task.State == TesStates.Canceling)
            return;
        task.CancelRequested = true;
        var immediate = task.State == TesStates.Queued || task.DatasetCount > 0;
        TaskLifecycle.Change(db, task, immediate ? TesStates.Canceled : TesStates.Canceling, reason, stamp);
    }
}
