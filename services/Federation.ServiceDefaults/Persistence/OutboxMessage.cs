namespace Federation.ServiceDefaults.Persistence;

/// <summary>
/// A message waiting to leave the service: written in the same transaction as the state change that
/// caused it, deleted by the relay once the broker has confirmed it. Rows with a later
/// <see cref="DueAt"/> are durable timers (scheduled sends, redeliveries).
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>Commit-ordered key; the relay publishes in this order.</summary>
    public long Sequence { get; set; }

    /// <summary>Transport message id (= event id), the key consumers' inboxes deduplicate on.</summary>
    public Guid MessageId { get; set; }

    /// <summary>"Namespace.Type, Assembly" of the message record.</summary>
    public string MessageType { get; set; } = "";

    /// <summary>The message record as JSON.</summary>
    public string Body { get; set; } = "";

    /// <summary>Null to publish to every subscriber; otherwise the endpoint address to send to.</summary>
    public string? Destination { get; set; }

    public string? AggregateId { get; set; }

    public Guid? CorrelationId { get; set; }

    /// <summary>W3C traceparent of the unit of work that wrote the row, so one trace spans the outbox.</summary>
    public string? TraceParent { get; set; }

    /// <summary>Extra transport headers as a JSON object (e.g. the redelivery count).</summary>
    public string? Headers { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>Not relayed before this instant (UTC).</summary>
    public DateTime DueAt { get; set; }

    /// <summary>Failed relay attempts, for operators looking at a stuck row.</summary>
    public int Attempts { get; set; }

    /// <summary>
    /// The message record itself, known in memory only (not stored): set when the row is written, so the relay publishes
    /// a row the group commit handed over without parsing <see cref="Body"/> back, or when the relay parses a row it read.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Schema.NotMapped]
    internal object? Message { get; set; }

    /// <summary>
    /// The event's aggregate version, once <see cref="Message"/> is known: the relay tells by it whether a row handed over
    /// at commit follows the last one it sent of its aggregate.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Schema.NotMapped]
    internal long? AggregateVersion => (Message as Federation.Contracts.IFederationEvent)?.AggregateVersion;
}
