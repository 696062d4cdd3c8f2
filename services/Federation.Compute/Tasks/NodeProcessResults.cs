using System.Globalization;
using System.Text.Json;
using Federation.ServiceDefaults.Execution;

namespace Federation.Compute.Tasks;

/// <summary>
/// An image's parts have all finished at their nodes: each node's executor logs join the task's log (stdout and
/// stderr prefixed by where they ran), each released output is listed under a <c>federation://nodes/…</c> URL with its
/// size, and <c>metadata["federation.result"]</c> holds every part's result (outputs' contents included) as the nodes'
/// airlocks released it. Nothing of a part that released nothing appears.
/// </summary>
public static class NodeProcessResults
{
    public sealed record PartResult(string Node, string Dataset, string State, string? Reason, ProcessResult? Result);

    public static void Collect(TaskRecord task, IReadOnlyList<TaskPart> parts, DateTimeOffset now)
    {
        var results = parts.Select(p => new PartResult(p.Node, p.Dataset, p.State, p.Reason,
            p.Result is null ? null : JsonSerializer.Deserialize<ProcessResult>(p.Result, TaskLifecycle.Json))).ToList();
        TaskLifecycle.Update(task, log => log with
        {
            EndTime = now,
            Logs = [.. log.Logs, .. results.Where(r => r.Result is not null).SelectMany(r => r.Result!.Logs.Select(l =>
                new TesExecutorLog(l.StartTime, l.EndTime, Prefixed(r, l.Stdout), Prefixed(r, l.Stderr), l.ExitCode)))],
            Outputs = [.. log.Outputs, .. results.Where(r => r.Result is not null).SelectMany(r => r.Result!.Outputs.Select(o =>
                new TesOutputFileLog($"federation://nodes/{r.Node}/tasks/{task.Id}/{r.Dataset}{(o.Path.StartsWith('/') ? "" : "/")}{o.Path}", o.Path,
                    o.SizeBytes.ToString(CultureInfo.InvariantCulture))))],
            Metadata = new Dictionary<string, string>(log.Metadata ?? new Dictionary<string, string>())
            {
                ["federation.result"] = JsonSerializer.Serialize(results, TaskLifecycle.Json),
            },
        });
    }

    private static string Prefixed(PartResult part, string text) =>
        text.Length == 0 ? "" : $"[{part.Node}/{part.Dataset}]\n{text}";
}
