namespace Federation.Contracts.Audit;

/// <summary>
/// The audit role sealed a checkpoint over its hash chain: entries <see cref="FromSequence"/> to
/// <see cref="ToSequence"/> (inclusive), their Merkle root, the chain hash at <see cref="ToSequence"/>, signed
/// by the audit role's key as a compact JWS (<see cref="Signature"/>, verifiable with the JWKS at
/// <c>/api/audit/keys</c>). Keeping these events elsewhere lets anyone later prove that the trail was not
/// rewritten. AggregateId is <c>audit-trail</c>; AggregateVersion is the checkpoint number (1, 2, …).
/// Hashes are lowercase hex SHA-256; see the audit role's README for the canonical forms.
/// </summary>
public sealed record AuditCheckpointSealed : FederationEvent
{
    public required long Number { get; init; }
    public required long FromSequence { get; init; }
    public required long ToSequence { get; init; }
    public required string MerkleRoot { get; init; }
    public required string ChainHash { get; init; }
    public required DateTimeOffset SealedAt { get; init; }
    public required string KeyId { get; init; }
    public required string Signature { get; init; }
}
