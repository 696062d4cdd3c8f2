using Federation.Compute.Data;
using Federation.ServiceDefaults.Events;

namespace Federation.Compute.Tasks;

/// <summary>
/// Cancelling: a task not started yet is canceled at once; a running one goes to CANCELING and its executor,
/// which watches <see cref="TaskRecord.CancelRequested"/>, stops it and records CANCELED. A finished task stays as it is.
/// </summary>
public static class TaskCancellation
{
    public static void Request(ComputeDbContext db, TaskRecord task, string reason, EventStamp stamp)
    {
        if (TesStates.IsFinal(task.State) || task.State == TesStates.Canceling)
            return;
        task.CancelRequested = true;
        TaskLifecycle.Change(db, task, task.State == TesStates.Queued ? TesStates.Canceled : TesStates.Canceling, reason, stamp);
    }
}
