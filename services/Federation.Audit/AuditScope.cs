using Federation.Contracts.Compute;
using Federation.Contracts.Discovery;
using Federation.ServiceDefaults.Events;

namespace Federation.Audit;

/// <summary>
/// What the audit role records: every event type in the contracts (<see cref="EventCatalog.All"/>, consumed on one queue),
/// and nothing else. The messages of the contracts that are not events are listed here with the reason they are not
/// recorded; a test fails when a message type is neither (tests/Federation.Audit.Tests, AuditCompletenessTests).
/// </summary>
public static class AuditScope
{
    public static IReadOnlyList<Type> Audited => EventCatalog.All;

    public static readonly IReadOnlyDictionary<Type, string> NotAudited = new Dictionary<Type, string>
    {
        [typeof(RunTaskPart)] = "a command sent to one node's own queue, which only that node may read; what it orders is in TaskRouted (the plan), " +
                                "its outcome in the node's TaskPartFinished, and the command itself in the node's local audit chain",
        [typeof(TransferDataset)] = "a command sent to one node's own queue (copy a dataset to the central node for a task placed there); what it " +
                                    "orders is in TaskRouted (the plan), its outcome in the node's TaskPartFinished (round 0) and the node's own audit chain",
        [typeof(NodeHeartbeat)] = "liveness, not a state change (one every few seconds per node); every transition it causes is a NodeStatusChanged",
        [typeof(CountQuery)] = "a federated count carries no caller and changes no state; the answers are aggregates under the nodes' small-cell rule " +
                               "(who searched is not recorded yet: discovery publishes no event per search)",
        [typeof(CountAnswer)] = "the aggregate answer to a CountQuery (see there)",
    };
}
