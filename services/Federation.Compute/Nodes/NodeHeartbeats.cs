using Federation.Contracts.Compute;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;

namespace Federation.Compute.Nodes;

/// <summary>
/// What a heartbeat does to the registry. It counts only from an approved node and, on RabbitMQ, only when the
/// broker vouches that the node's own user (or a central one) sent it; otherwise the refusal is noted on the node (operators see
/// it) and nothing else changes. Liveness is judged by the registry's clock, not the node's.
/// </summary>
public static class NodeHeartbeats
{
    public sealed record Outcome(bool Accepted, string? Refusal, NodeStatusChanged? Change);

    public static Outcome Record(RegisteredNode? node, NodeHeartbeat beat, BrokerUser.Sender sender, DateTimeOffset now)
    {
        var refusal = node switch
        {
            null => "not an enrolled node",
            _ when !sender.MaySpeakFor(beat.Node) =>
                $"another node's broker user sent it ({sender.UserName ?? "a user that did not say who"})",
            { Status: NodeStatuses.Approved } => null,
            _ => $"the node's enrolment is {node.Status}",
        };
        if (refusal is not null)
        {
            if (node is not null)
            {
                node.LastRefusal = refusal;
                node.LastRefusalAt = now.UtcDateTime;
            }
            return new Outcome(false, refusal, null);
        }

        node!.LastHeartbeatAt = now.UtcDateTime;
        node.ReportedCapabilities = beat.Capabilities;
        node.QueueLength = beat.QueueLength;
        node.IndexedInstances = beat.IndexedInstances;
        node.AgentVersion = beat.AgentVersion;
        node.AllowedAlgorithms = beat.AllowedAlgorithms?.ToList();
        if (node.Liveness == NodeLiveness.Online)
            return new Outcome(true, null, null);
        return new Outcome(true, null, ChangeLiveness(node, NodeLiveness.Online));
    }

    /// <summary>An online node silent for longer than <paramref name="offlineAfter"/> goes offline.</summary>
    public static NodeStatusChanged? CheckSilence(RegisteredNode node, TimeSpan offlineAfter, DateTimeOffset now) =>
        node is { Status: NodeStatuses.Approved, Liveness: NodeLiveness.Online } && node.LastHeartbeatAt < (now - offlineAfter).UtcDateTime
            ? ChangeLiveness(node, NodeLiveness.Offline)
            : null;

    private static NodeStatusChanged ChangeLiveness(RegisteredNode node, string liveness)
    {
        node.Liveness = liveness;
        node.Version++;
        return new NodeStatusChanged
        {
            Node = node.Name,
            Liveness = liveness,
            LastHeartbeatAt = node.LastHeartbeatAt.AsUtc(),
        };
    }
}
