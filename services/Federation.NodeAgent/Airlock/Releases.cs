using Federation.Contracts.Compute;
using Federation.NodeAgent.Data;
using Federation.ServiceDefaults.Events;

namespace Federation.NodeAgent.Airlock;

/// <summary>How a part's outcome leaves the node: one <see cref="TaskPartFinished"/>, through the outbox, whether at once or after the operator's decision.</summary>
public static class Releases
{
    public static string AggregateOf(string task, string node, string dataset) => $"{task}/{node}/{dataset}";

    /// <summary>A part's events in order: per round, held (if it is) before finished.</summary>
    public static long VersionOf(int round, bool held) => Math.Max(round, 1) * 2L - (held ? 1 : 0);

    /// <param name="executed">What ran (owner, algorithm, visa), for the node's own audit chain.</param>
    public static void Finish(NodeAgentDbContext db, EventStamp stamp, string task, string node, string dataset, int round, string state, string reason, string? result,
        Audit.Executed? executed = null)
    {
        Audit.LocalAuditChain.Record(db, node, task, dataset, round, state, reason, result, executed, stamp.Now); // the node's own record of what left it
        db.Publish(stamp.Stamp(new TaskPartFinished
        {
            TaskId = task, Node = node, Dataset = dataset, Round = round, State = state, Reason = reason, Result = result,
        }, AggregateOf(task, node, dataset), VersionOf(round, held: false)));
    }
}
