namespace Federation.Audit.Domain;

/// <summary>
/// One recorded event: who did what to which aggregate, when, and the event as it was published; a link
/// of the hash chain (<see cref="Chain.EntryHash"/> defines <see cref="Hash"/>).
/// </summary>
public sealed class AuditEntry
{
    /// <summary>Position in the chain: 1, 2, 3, … without gaps, assigned by the chain head (never by a database identity).</summary>
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

    /// <summary>UTC, truncated to whole microseconds (what PostgreSQL keeps), so the hash survives a round trip.</summary>
    public DateTime OccurredAt { get; set; }

    /// <summary>UTC, truncated to whole microseconds.</summary>
    public DateTime RecordedAt { get; set; }

    /// <summary>The whole event as JSON, exactly the text that was hashed.</summary>
    public string Payload { get; set; } = "";

    /// <summary>The previous entry's <see cref="Hash"/> (64 zeros for the first entry), lowercase hex.</summary>
    public string PreviousHash { get; set; } = "";

    /// <summary>SHA-256 of this entry's canonical form, lowercase hex.</summary>
    public string Hash { get; set; } = "";
}
