using System.Text.RegularExpressions;
using Federation.Contracts.Audit;
using Federation.Contracts.Compute;
using Federation.Contracts.Consent;
using Federation.Contracts.Discovery;

namespace Federation.ServiceDefaults.Messaging;

/// <summary>
/// What a node agent's own broker user may touch, as RabbitMQ permission patterns (configure, write, read) over
/// exchange and queue names in the federation's virtual host. A node declares and reads only its own queues
/// (<c>node-agent-&lt;node&gt;-&lt;endpoint&gt;</c>, their error queues and its bus endpoint), binds them only to the
/// message types nodes consume, and publishes only the message types nodes publish (answers to count queries
/// included: nodes publish them rather than send them to a central queue). Another node's queue, or a central
/// service's, is out of reach: a node cannot read what is meant for others, nor write into a central queue.
/// <para>
/// Known limit: RabbitMQ's configure right (needed to declare an exchange MassTransit publishes to) also allows
/// deleting it, so a hostile node could delete a published message type's exchange and its bindings. The remedy is
/// per-node publish exchanges bound to the central ones at enrolment; see the node agent's README.
/// </para>
/// </summary>
public static class NodeBrokerAccess
{
    /// <summary>The broker user (and OAuth client id) of a node. The prefix is reserved: no central user or partner may carry it.</summary>
    public static string UserOf(string node) => NodeUserPrefix + node;

    private const string NodeUserPrefix = "node-";

    public static bool IsNodeUser(string user) => user.StartsWith(NodeUserPrefix, StringComparison.Ordinal);

    /// <summary>The node agent's receive endpoints, by purpose: every queue of a node is one of these (or its error queue).</summary>
    public static class Endpoints
    {
        public const string CountQuery = "count-query";
        public const string ConsentWithdrawn = "consent-withdrawn";
        public const string Tasks = "tasks";
        public static readonly IReadOnlyList<string> All = [CountQuery, ConsentWithdrawn, Tasks];
    }

    /// <summary>A node's queue (and exchange) for <paramref name="endpoint"/>, one of <see cref="Endpoints"/>.</summary>
    public static string QueueOf(string node, string endpoint) => $"node-agent-{node}-{endpoint}";

    /// <summary>A node agent's bus endpoint prefix; MassTransit appends a 32-hex-digit id (see MessagingExtensions).</summary>
    public static string BusEndpointPrefix(string node) => QueueOf(node, "bus");

    /// <summary>
    /// What nodes publish: dataset descriptions, answers to count queries, heartbeats, task parts finished or held at the
    /// airlock, their local audit checkpoints. (A node agent serves no API, so it refuses no requests: no security events.)
    /// </summary>
    public static readonly IReadOnlyList<Type> Published =
    [
        typeof(DatasetPublished), typeof(DatasetUpdated), typeof(DatasetRetired), typeof(CountAnswer), typeof(NodeHeartbeat), typeof(TaskPartFinished),
        typeof(TaskPartHeld), typeof(NodeAuditCheckpointSealed),
    ];

    /// <summary>What nodes consume by message type: federated count queries and consent withdrawals (task parts are sent to their own queue).</summary>
    public static readonly IReadOnlyList<Type> Consumed = [typeof(CountQuery), typeof(ConsentWithdrawn)];

    public sealed record Permissions(string Configure, string Write, string Read);

    public static Permissions For(string node)
    {
        // Exactly the node's own names, not a prefix: node names may contain '-', so "node-agent-site-a-.*" would
        // also match the queues of a node called "site-a-b".
        var own = $"{Regex.Escape(QueueOf(node, ""))}({string.Join('|', Endpoints.All.Select(Regex.Escape))}|bus-[0-9a-f]{{32}})(_error|_skipped)?";
        var published = Alternatives(Published);
        var consumed = Alternatives(Consumed);
        return new Permissions(
            Configure: $"^({own}|{published}|{consumed})$",
            Write: $"^({own}|{published})$",
            Read: $"^({own}|{consumed})$");
    }

    /// <summary>MassTransit's exchange name of a message type: <c>Namespace:TypeName</c>.</summary>
    public static string ExchangeOf(Type messageType) => $"{messageType.Namespace}:{messageType.Name}";

    private static string Alternatives(IEnumerable<Type> types) => string.Join('|', types.Select(t => Regex.Escape(ExchangeOf(t))));
}
