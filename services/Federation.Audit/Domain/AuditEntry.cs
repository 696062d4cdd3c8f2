namespace Federation.Audit.Domain;

/// <summary>One recorded event: who did what to which aggregate, when, and the event as it was published.</summary>
public sealed class AuditEntry
{
    /// <summary>Order of recording; the hash chain (audit issue) will follow this order.</summary>
    public long Sequence { get; set; }

    public Guid EventId { get; set; }

    /// <summary>Message URN of the event type, its stable wire identity.</summary>
    public string EventType { get; set; } = "";

    public string AggregateId { get; set; } = "";

    public long AggregateVersion { get; set; }

    public string ActorSubject { get; set; } = "";

    public string ActorKind { get; set; } = "";

    public string? ActorRole { get; set; }

    public Guid CorrelationId { get; set; }

    public DateTime OccurredAt { get; set; }

    public DateTime RecordedAt { get; set; }

    /// <summary>The whole event as JSON.</summary>
    public string Payload { get; set; } = "";
}
