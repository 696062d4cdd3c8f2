using System.Text.Json;
using Federation.Compute.Data;
using Federation.Contracts.Compute;
using Federation.ServiceDefaults.Events;

namespace Federation.Compute.Tasks;

/// <summary>
/// Every change of a task's state goes through here: the new state, its <c>TaskStateChanged</c> event (same
/// transaction, through the outbox) and a line in the task's system log, so that the three never disagree.
/// </summary>
public static class TaskLifecycle
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static void Change(ComputeDbContext db, TaskRecord task, string state, string reason, EventStamp stamp)
    {
        if (task.State == state)
            return;
        task.State = state;
        task.Version++;
        Log(task, stamp.Now, $"{state}: {reason}");
        db.Publish(stamp.Stamp(new TaskStateChanged { TaskId = task.Id, Owner = task.Owner, State = state, Reason = reason }, task.Id, task.Version));
    }

    /// <summary>A node's part of the task changed state: its event and a log line; the task's own state is the caller's to change.</summary>
    public static void PartChanged(ComputeDbContext db, TaskRecord task, string node, string dataset, string state, string? reason, EventStamp stamp)
    {
        task.Version++;
        Log(task, stamp.Now, $"{node}/{dataset}: {state} ({reason})");
        db.Publish(stamp.Stamp(new TaskStateChanged { TaskId = task.Id, Owner = task.Owner, State = state, Node = node, Reason = reason }, task.Id, task.Version));
    }

    /// <summary>The task's log of its current attempt (TES keeps one per attempt; we make one).</summary>
    public static List<TesTaskLog> Logs(TaskRecord task) =>
        task.Logs is null ? [] : JsonSerializer.Deserialize<List<TesTaskLog>>(task.Logs, Json) ?? [];

    public static void Log(TaskRecord task, DateTimeOffset at, string line) =>
        Update(task, log => log with { SystemLogs = [.. log.SystemLogs ?? [], $"{at:O} {line}"] });

    public static void Update(TaskRecord task, Func<TesTaskLog, TesTaskLog> change)
    {
        var logs = Logs(task);
        if (logs.Count == 0)
            logs.Add(new TesTaskLog([], null, null, null, [], []));
        logs[^1] = change(logs[^1]);
        task.Logs = JsonSerializer.Serialize(logs, Json);
    }
}
