namespace Federation.Audit.Chain;

/// <summary>
/// The end of the hash chain, one row (id 1): the last sequence and its hash. Every append reads it (locked on
/// PostgreSQL: <c>SELECT … FOR UPDATE</c>), so two audit replicas append one after the other, and writes it back
/// with <see cref="Sequence"/> as a concurrency token, so a batch that raced past the lock anyway fails and is redone.
/// </summary>
public sealed class ChainHead
{
    public const int SingleId = 1;

    public int Id { get; set; } = SingleId;

    public long Sequence { get; set; }

    public string Hash { get; set; } = EntryHash.Genesis;
}
