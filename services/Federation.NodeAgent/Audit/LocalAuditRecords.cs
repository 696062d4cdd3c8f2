namespace Federation.NodeAgent.Audit;

/// <summary>
/// One entry of the node's own audit chain (table <c>node_audit_entries</c>): an outcome of a task part it released (as
/// its <c>TaskPartFinished</c> says), what ran, and the hash of what it released. Hashed in the node's canonical form
/// (ServiceDefaults' <c>NodeAuditForm</c>).
/// </summary>
public sealed class LocalAuditEntry
{
    public long Sequence { get; set; }
    public string TaskId { get; set; } = "";
    public string Dataset { get; set; } = "";
    public int Round { get; set; }
    public string? Owner { get; set; }
    public string? Algorithm { get; set; }
    public string? VisaHash { get; set; }
    public string State { get; set; } = "";
    public string? Reason { get; set; }
    public string? ResultHash { get; set; }

    /// <summary>UTC, whole microseconds.</summary>
    public DateTime RecordedAt { get; set; }

    public string PreviousHash { get; set; } = "";
    public string Hash { get; set; } = "";
}

/// <summary>The end of the node's chain (one row): appends read it locked, so they take sequences one after the other.</summary>
public sealed class LocalAuditHead
{
    public const int SingleId = 1;
    public int Id { get; set; } = SingleId;
    public long Sequence { get; set; }
    public string Hash { get; set; } = Federation.ServiceDefaults.Integrity.NodeAuditForm.Genesis;
}

/// <summary>A sealed range of the node's chain, as signed and sent to the audit role.</summary>
public sealed class LocalAuditCheckpoint
{
    public long Number { get; set; }
    public long FromSequence { get; set; }
    public long ToSequence { get; set; }
    public string MerkleRoot { get; set; } = "";
    public string ChainHash { get; set; } = "";
    public DateTime SealedAt { get; set; }
    public string Signature { get; set; } = "";
}

/// <summary>The node's signing key for its checkpoints (EC P-256, PKCS#8 PEM), created at first start, never sent anywhere.</summary>
public sealed class LocalAuditKey
{
    public string Id { get; set; } = "";
    public string PrivateKeyPem { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}
