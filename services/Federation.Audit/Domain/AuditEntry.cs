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

    /// <summary>
    /// The canonical form the hash was computed with: 1 (the envelope and the payload) or 2 (also the context below).
    /// Entries recorded before the context existed stay in form 1; their context is derived from the payload when read.
    /// </summary>
    public int Format { get; set; } = 1;

    // The context of form 2 (README, "Who, what, why, where, when, outcome"): fixed at append time, hashed.

    /// <summary>Who: the OAuth client the actor acted through (the token's <c>client_id</c>).</summary>
    public string? ActorClient { get; set; }

    /// <summary>Where: the role that reported the event (access, compute, node-agent, …).</summary>
    public string Service { get; set; } = "";

    /// <summary>Where: the data node it happened at or concerns.</summary>
    public string? Node { get; set; }

    /// <summary>Why: the research purpose in words, as the request states it.</summary>
    public string? Purpose { get; set; }

    /// <summary>Why: the purpose's DUO codes, space-separated.</summary>
    public string? PurposeCodes { get; set; }

    /// <summary>Why: the entitlements (visa grants) it happened under, space-separated ids.</summary>
    public string? Entitlements { get; set; }

    /// <summary><c>success</c>, <c>refused</c> or <c>failed</c>.</summary>
    public string Outcome { get; set; } = "";

    public string? OutcomeDetail { get; set; }

    /// <summary>What: SHA-256 (hex) of the content that left or was published (a released result, a dataset description).</summary>
    public string? ContentHash { get; set; }

    /// <summary>The previous entry's <see cref="Hash"/> (64 zeros for the first entry), lowercase hex.</summary>
    public string PreviousHash { get; set; } = "";

    /// <summary>SHA-256 of this entry's canonical form, lowercase hex.</summary>
    public string Hash { get; set; } = "";
}
