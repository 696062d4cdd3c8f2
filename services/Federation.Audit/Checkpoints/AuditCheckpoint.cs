namespace Federation.Audit.Checkpoints;

/// <summary>
/// A sealed range of the chain: entries <see cref="FromSequence"/>…<see cref="ToSequence"/>, their Merkle root and the
/// chain hash at <see cref="ToSequence"/>, signed (<see cref="Signature"/>, compact JWS ES256). Checkpoints tile the
/// chain: each starts right after the previous one ends (a unique index on the start refuses a racing replica's copy).
/// </summary>
public sealed class AuditCheckpoint
{
    public long Number { get; set; }

    public long FromSequence { get; set; }

    public long ToSequence { get; set; }

    public string MerkleRoot { get; set; } = "";

    public string ChainHash { get; set; } = "";

    public DateTime SealedAt { get; set; }

    public string KeyId { get; set; } = "";

    public string Signature { get; set; } = "";
}

/// <summary>A key the audit role signs checkpoints with: EC P-256, private, PKCS#8 PEM. Created at first start.</summary>
public sealed class AuditKey
{
    public string Id { get; set; } = "";

    public string PrivateKeyPem { get; set; } = "";

    public DateTime CreatedAt { get; set; }
}
