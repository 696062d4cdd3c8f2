using System.Security.Cryptography;
using Federation.Audit.Checkpoints;
using Federation.Audit.Domain;
using Federation.ServiceDefaults.Integrity;

namespace Federation.Audit.Chain;

/// <summary>The first place where the stored trail differs from what was chained or sealed.</summary>
public sealed record BrokenLink(long Sequence, string Reason, long? Checkpoint = null);

/// <summary>
/// Re-verifies a range of the chain from stored content, fed in sequence order page by page: every entry's hash is
/// recomputed, every link checked, every sequence present. Checkpoints are checked separately
/// (<see cref="CheckCheckpoint"/>). Reports the earliest break by sequence; a broken checkpoint (located at its first
/// entry: a Merkle root does not say which leaf changed) gives way to a break found entry by entry inside its range,
/// which is the more precise account of the same damage.
/// </summary>
public sealed class ChainVerifier(long from, string previousHash)
{
    private long expected = from;
    private string previous = previousHash;

    public long Entries { get; private set; }

    public int Checkpoints { get; private set; }

    private BrokenLink? entryBreak;
    private readonly List<(BrokenLink Break, long To)> checkpointBreaks = [];

    public BrokenLink? FirstBroken =>
        checkpointBreaks.Where(c => entryBreak is null || entryBreak.Sequence < c.Break.Sequence || entryBreak.Sequence > c.To)
            .Select(c => c.Break)
            .Prepend(entryBreak)
            .OfType<BrokenLink>()
            .OrderBy(b => b.Sequence).ThenBy(b => b.Checkpoint is null ? 0 : 1)
            .FirstOrDefault();

    /// <summary>The next entries of the range, in sequence order.</summary>
    public void Feed(IEnumerable<AuditEntry> entries)
    {
        foreach (var entry in entries)
        {
            Entries++;
            if (entry.Sequence != expected)
            {
                Fail(new BrokenLink(expected, entry.Sequence > expected
                    ? $"entry {expected} is missing (the next stored entry is {entry.Sequence})"
                    : $"entry {entry.Sequence} is out of order"));
                expected = entry.Sequence;
            }
            else if (entry.PreviousHash != previous)
                Fail(new BrokenLink(entry.Sequence, "its previous hash is not the hash of the entry before it"));
            else if (HashProblem(entry) is { } problem)
                Fail(new BrokenLink(entry.Sequence, problem));
            previous = entry.Hash;
            expected = entry.Sequence + 1;
        }
    }

    private static string? HashProblem(AuditEntry entry)
    {
        try
        {
            return EntryHash.Of(entry) == entry.Hash ? null : "its content does not match its hash";
        }
        catch (FormatException ex)
        {
            return ex.Message; // a form this release does not know: nothing can vouch for the entry
        }
    }

    /// <summary>After the last page: entries up to <paramref name="to"/> must all have been there.</summary>
    public void End(long to)
    {
        if (expected <= to)
            Fail(new BrokenLink(expected, to > expected ? $"entries {expected}–{to} are missing" : $"entry {expected} is missing"));
    }

    /// <summary>
    /// Checks one checkpoint against its signature and the stored hashes of its whole range
    /// (<paramref name="leaves"/>: sequence and hash, in sequence order).
    /// </summary>
    public void CheckCheckpoint(AuditCheckpoint checkpoint, IReadOnlyList<(long Sequence, string Hash)> leaves,
        IReadOnlyDictionary<string, ECDsa> keys)
    {
        Checkpoints++;
        if (Problem(checkpoint, leaves, keys) is { } problem)
            checkpointBreaks.Add((problem with { Checkpoint = checkpoint.Number }, checkpoint.ToSequence));
    }

    public static BrokenLink? Problem(AuditCheckpoint c, IReadOnlyList<(long Sequence, string Hash)> leaves, IReadOnlyDictionary<string, ECDsa> keys)
    {
        var at = c.FromSequence;
        var (payload, problem) = CheckpointSignature.Verify(c.Signature, keys);
        if (payload is null)
            return new BrokenLink(at, $"checkpoint {c.Number}: {problem}");
        if (payload.ToJsonString() != CheckpointSignature.Payload(c).ToJsonString())
            return new BrokenLink(at, $"checkpoint {c.Number}: the stored checkpoint differs from what was signed");
        for (var i = 0; i < leaves.Count; i++)
            if (leaves[i].Sequence != c.FromSequence + i)
                return new BrokenLink(c.FromSequence + i, $"checkpoint {c.Number}: entry {c.FromSequence + i} is missing");
        if (leaves.Count != c.ToSequence - c.FromSequence + 1)
            return new BrokenLink(c.FromSequence + leaves.Count, $"checkpoint {c.Number}: entry {c.FromSequence + leaves.Count} is missing");
        string root;
        try
        {
            root = MerkleTree.Root(leaves.Select(l => l.Hash).ToList());
        }
        catch (FormatException)
        {
            return new BrokenLink(at, $"checkpoint {c.Number}: a stored entry hash is malformed");
        }
        if (root != c.MerkleRoot)
            return new BrokenLink(at, $"checkpoint {c.Number}: the Merkle root of the stored hashes differs from the signed one");
        if (leaves[^1].Hash != c.ChainHash)
            return new BrokenLink(c.ToSequence, $"checkpoint {c.Number}: the chain hash at {c.ToSequence} differs from the signed one");
        return null;
    }

    /// <summary>Records a break found outside the entries fed (a missing anchor, a head that does not match).</summary>
    public void Fail(BrokenLink broken)
    {
        if (entryBreak is null || broken.Sequence < entryBreak.Sequence)
            entryBreak = broken;
    }
}
