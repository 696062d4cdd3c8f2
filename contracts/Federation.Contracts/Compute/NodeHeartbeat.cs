namespace Federation.Contracts.Compute;

/// <summary>
/// A node agent's periodic report that it is alive, with what it can run now and how much work waits at it.
/// Not an event (no state changed at the node); published directly, not through an outbox: a lost heartbeat is
/// replaced by the next. The registry believes it only from an enrolled node, and on RabbitMQ only when the
/// broker vouches that the node's own user sent it (the AMQP <c>user_id</c> property).
/// </summary>
public sealed record NodeHeartbeat
{
    public required string Node { get; init; }
    public required DateTimeOffset SentAt { get; init; }
    public required NodeCapabilities Capabilities { get; init; }

    /// <summary>Tasks waiting or running at the node.</summary>
    public required int QueueLength { get; init; }

    /// <summary>Images in the node's index.</summary>
    public long IndexedInstances { get; init; }

    public string? AgentVersion { get; init; }

    /// <summary>The node's local policy: the algorithms it runs (<c>builtin:*</c> for every built-in one, or image names). Null: built-ins only.</summary>
    public IReadOnlyList<string>? AllowedAlgorithms { get; init; }
}
