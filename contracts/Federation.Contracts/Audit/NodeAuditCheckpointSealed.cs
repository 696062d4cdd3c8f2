namespace Federation.Contracts.Audit;

/// <summary>
/// A node agent sealed a checkpoint over its local audit chain (what it executed and released): entries
/// <see cref="FromSequence"/> to <see cref="ToSequence"/>, all of them (<see cref="Entries"/>), their Merkle root and the
/// chain hash at the end, signed by the node's own key (compact JWS ES256, <see cref="Signature"/>; the public key in
/// <see cref="PublicKeyX"/>/<see cref="PublicKeyY"/>, pinned by the audit role at the node's first checkpoint). The audit
/// role records it like every event and cross-checks it against the <c>TaskPartFinished</c> events it recorded, so a
/// result altered or invented on the way, or a part the node does not account for, shows as a divergence.
/// AggregateId is <c>node-audit:&lt;node&gt;</c>; AggregateVersion the checkpoint number.
/// </summary>
public sealed record NodeAuditCheckpointSealed : FederationEvent
{
    public required string Node { get; init; }
    public required long Number { get; init; }
    public required long FromSequence { get; init; }
    public required long ToSequence { get; init; }
    public required string MerkleRoot { get; init; }
    public required string ChainHash { get; init; }
    public required DateTimeOffset SealedAt { get; init; }
    public required string KeyId { get; init; }
    public required string PublicKeyX { get; init; }
    public required string PublicKeyY { get; init; }
    public required string Signature { get; init; }
    public required IReadOnlyList<NodeAuditRecord> Entries { get; init; }
}
