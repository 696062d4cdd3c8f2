using System.Security.Cryptography;
using Federation.Audit.Chain;
using Federation.Audit.Checkpoints;
using Federation.Audit.Domain;
using Xunit;
using Federation.ServiceDefaults.Integrity;

namespace Federation.Audit.Tests;

/// <summary>The chain's canonical hash, Merkle root, signatures and verification, without a database.</summary>
public sealed class ChainTests
{
    // Vectors computed by an independent implementation of the README's definitions (Python: hashlib + struct).
    private const string FirstHash = "8a0a2d31660aa0c1fbeb0a8905827b4c7251c739c4d94dc574bb5d679d39b119";
    private const string SecondHash = "c8caf1942b61f4ce23c4c35482a90771431d196d65cf0e55aee4feae3be20af4";
    private const string ThirdHash = "211a6c63c34b40a365258afaca88930d0e9a566defdd2fc1dba9a66de60afe1f";

    private static AuditEntry First() => new()
    {
        Sequence = 1,
        EventId = Guid.Parse("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"),
        EventType = "urn:message:Federation.Contracts.Access:AccessRequestDrafted",
        AggregateId = "request-42",
        AggregateVersion = 1,
        ActorSubject = "alice",
        ActorKind = "user",
        ActorRole = "researcher",
        CorrelationId = Guid.Parse("11111111-2222-3333-4444-555555555555"),
        OccurredAt = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234567),
        RecordedAt = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(6543210),
        Payload = """{"title":"Ünïcode ✓"}""",
        PreviousHash = EntryHash.Genesis,
    };

    [Fact]
    public void The_canonical_hash_matches_the_known_vectors()
    {
        var first = First();
        // 2026-01-02T03:04:05.1234567 is hashed (and stored) as .123456: whole microseconds, what PostgreSQL keeps.
        Assert.Equal(FirstHash, EntryHash.Of(first));

        var second = new AuditEntry
        {
            Sequence = 2,
            EventId = Guid.Parse("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c"),
            EventType = "urn:message:Federation.Contracts.Access:AccessRequestSubmitted",
            AggregateId = "request-42",
            AggregateVersion = 2,
            ActorSubject = "system",
            ActorKind = "system",
            ActorRole = null,
            CorrelationId = Guid.Parse("11111111-2222-3333-4444-555555555555"),
            OccurredAt = new DateTime(2026, 1, 2, 3, 4, 6, DateTimeKind.Utc),
            RecordedAt = new DateTime(2026, 1, 2, 3, 4, 6, DateTimeKind.Utc).AddTicks(10),
            Payload = "{}",
            PreviousHash = FirstHash,
        };
        Assert.Equal(SecondHash, EntryHash.Of(second));

        // An absent role and an empty role are different entries.
        Assert.NotEqual(EntryHash.Of(second), EntryHash.Of(Copy(second, e => e.ActorRole = "")));
        // Moving bytes from one field to the next changes the hash (the length prefixes).
        Assert.NotEqual(EntryHash.Of(first), EntryHash.Of(Copy(first, e => { e.ActorSubject = "alic"; e.ActorKind = "euser"; })));
    }

    [Fact]
    public void The_canonical_hash_of_form_2_covers_the_context_and_matches_its_known_vector()
    {
        var third = new AuditEntry
        {
            Format = 2,
            Sequence = 3,
            EventId = Guid.Parse("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d"),
            EventType = "urn:message:Federation.Contracts.Compute:TaskPartFinished",
            AggregateId = "task-7/node-a/ds-1",
            AggregateVersion = 1,
            ActorSubject = "node:node-a",
            ActorKind = "node",
            ActorRole = "node-agent",
            CorrelationId = Guid.Parse("11111111-2222-3333-4444-555555555555"),
            OccurredAt = new DateTime(2026, 1, 2, 3, 4, 7, DateTimeKind.Utc),
            RecordedAt = new DateTime(2026, 1, 2, 3, 4, 7, DateTimeKind.Utc).AddTicks(10),
            Payload = """{"result":"{}"}""",
            ActorClient = "portal",
            Service = "node-agent",
            Node = "node-a",
            Purpose = "Lung nodules — Ünïcode",
            PurposeCodes = "DUO:0000042 DUO:0000006",
            Entitlements = "0190a1b2-0000-7000-8000-000000000001",
            Outcome = "success",
            OutcomeDetail = null,
            ContentHash = Convert.ToHexStringLower(SHA256.HashData("{}"u8)),
            PreviousHash = SecondHash,
        };
        Assert.Equal(ThirdHash, EntryHash.Of(third));

        // Every context field is covered: changing any of them (or the form itself) changes the hash.
        Assert.All(new Action<AuditEntry>[]
        {
            e => e.ActorClient = null, e => e.Service = "compute", e => e.Node = "node-b", e => e.Purpose = "other", e => e.PurposeCodes = "DUO:0000042",
            e => e.Entitlements = null, e => e.Outcome = "refused", e => e.OutcomeDetail = "", e => e.ContentHash = null, e => e.Format = 1,
        }, change => Assert.NotEqual(ThirdHash, EntryHash.Of(Copy(third, change))));
        Assert.Throws<FormatException>(() => EntryHash.Of(Copy(third, e => e.Format = 3)));
    }

    [Theory]
    [InlineData(1, "4bf5122f344554c53bde2ebb8cd2b7e3d1600ad631c385a5d7cce23c7785459a")]
    [InlineData(2, "bf8d1abb1be057fe7aa5f2b563025bf80bf401998db094e9318aa956bfd584bd")]
    [InlineData(3, "18c447704c90c15381df6f703d364a1a0adebe830264d4e238441d735038f957")]
    [InlineData(5, "f869ed6684aa26791693a2a3bb0c7eca72d0bedb695a7f43b5bd74d05b929264")]
    public void The_merkle_root_matches_the_known_vectors(int leaves, string root)
    {
        // Leaves: SHA-256 of the single bytes 1, 2, 3, …
        var hashes = Enumerable.Range(1, leaves).Select(i => Convert.ToHexStringLower(SHA256.HashData(new[] { (byte)i }))).ToList();
        Assert.Equal(root, MerkleTree.Root(hashes));
    }

    [Fact]
    public void An_untouched_chain_and_its_checkpoints_verify()
    {
        var (chain, checkpoints, keys) = Sealed(12, every: 5);
        var verifier = Verify(chain, checkpoints, keys);
        Assert.Null(verifier.FirstBroken);
        Assert.Equal(12, verifier.Entries);
        Assert.Equal(3, verifier.Checkpoints);
    }

    [Fact]
    public void A_changed_payload_is_found_at_its_sequence()
    {
        var (chain, checkpoints, keys) = Sealed(12, every: 5);
        chain[6].Payload = chain[6].Payload.Replace("7", "8");
        var broken = Verify(chain, checkpoints, keys).FirstBroken;
        Assert.Equal(7, broken?.Sequence);
        Assert.Contains("content", broken!.Reason);
    }

    [Fact]
    public void A_changed_payload_with_its_hash_recomputed_is_found_by_the_next_link()
    {
        var (chain, checkpoints, keys) = Sealed(12, every: 5);
        chain[6].Payload = chain[6].Payload.Replace("7", "8");
        chain[6].Hash = EntryHash.Of(chain[6]);
        var broken = Verify(chain, checkpoints, keys).FirstBroken;
        Assert.Equal((8L, (long?)null), (broken?.Sequence ?? 0, broken?.Checkpoint));
    }

    [Fact]
    public void A_rewritten_chain_tail_is_found_by_the_signed_checkpoint()
    {
        var (chain, checkpoints, keys) = Sealed(12, every: 5);
        chain[6].Payload = chain[6].Payload.Replace("7", "8");
        for (var i = 6; i < chain.Count; i++)
        {
            chain[i].PreviousHash = chain[i - 1].Hash;
            chain[i].Hash = EntryHash.Of(chain[i]);
        }
        var broken = Verify(chain, checkpoints, keys).FirstBroken;
        // Every link holds; the checkpoint over 6–10 (its Merkle root) does not.
        Assert.Equal((6L, (long?)2), (broken?.Sequence ?? 0, broken?.Checkpoint));
        Assert.Contains("Merkle", broken!.Reason);
    }

    [Fact]
    public void A_deleted_entry_is_reported_as_a_gap()
    {
        var (chain, checkpoints, keys) = Sealed(12, every: 5);
        chain.RemoveAt(3);
        var broken = Verify(chain, checkpoints, keys).FirstBroken;
        Assert.Equal(4, broken?.Sequence);
        Assert.Contains("missing", broken!.Reason);
    }

    [Fact]
    public void A_deleted_last_entry_is_reported()
    {
        var (chain, _, keys) = Sealed(12, every: 50);
        chain.RemoveAt(11);
        var broken = Verify(chain, [], keys).FirstBroken;
        Assert.Equal(12, broken?.Sequence);
    }

    [Fact]
    public void A_reordered_pair_is_found_at_the_first_of_the_two()
    {
        var (chain, checkpoints, keys) = Sealed(12, every: 5);
        (chain[4].Sequence, chain[5].Sequence) = (chain[5].Sequence, chain[4].Sequence);
        var reordered = chain.OrderBy(e => e.Sequence).ToList();
        Assert.Equal(5, Verify(reordered, checkpoints, keys).FirstBroken?.Sequence);
    }

    [Fact]
    public void A_forged_checkpoint_signature_is_refused()
    {
        var (chain, checkpoints, keys) = Sealed(12, every: 5);
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = checkpoints[1];
        forged.Signature = CheckpointSignature.Sign(forged, AuditKeys.FirstKeyId, forger);
        var broken = Verify(chain, checkpoints, keys).FirstBroken;
        Assert.Equal((6L, 2L), (broken?.Sequence ?? 0, broken?.Checkpoint ?? 0));
        Assert.Contains("signature", broken!.Reason);
    }

    [Fact]
    public void A_checkpoint_edited_after_signing_is_refused()
    {
        var (chain, checkpoints, keys) = Sealed(12, every: 5);
        checkpoints[0].MerkleRoot = MerkleTree.Root([chain[0].Hash]);
        Assert.Equal(1, Verify(chain, checkpoints, keys).FirstBroken?.Checkpoint);
    }

    private static (List<AuditEntry> Chain, List<AuditCheckpoint> Checkpoints, Dictionary<string, ECDsa> Keys) Sealed(int count, int every)
    {
        var chain = new List<AuditEntry>();
        var previous = EntryHash.Genesis;
        for (var i = 1; i <= count; i++)
        {
            var entry = Copy(First(), e =>
            {
                e.Sequence = i;
                e.EventId = Guid.CreateVersion7();
                e.AggregateVersion = i;
                e.Payload = $$"""{"n":{{i}}}""";
                e.PreviousHash = previous;
            });
            entry.Hash = EntryHash.Of(entry);
            previous = entry.Hash;
            chain.Add(entry);
        }
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var checkpoints = chain.Chunk(every).Select((range, i) =>
        {
            var checkpoint = new AuditCheckpoint
            {
                Number = i + 1,
                FromSequence = range[0].Sequence,
                ToSequence = range[^1].Sequence,
                MerkleRoot = MerkleTree.Root(range.Select(e => e.Hash).ToList()),
                ChainHash = range[^1].Hash,
                SealedAt = new DateTime(2026, 1, 3, 0, 0, 0, DateTimeKind.Utc),
                KeyId = AuditKeys.FirstKeyId,
            };
            checkpoint.Signature = CheckpointSignature.Sign(checkpoint, AuditKeys.FirstKeyId, key);
            return checkpoint;
        }).ToList();
        return (chain, checkpoints, new Dictionary<string, ECDsa> { [AuditKeys.FirstKeyId] = key });
    }

    private static ChainVerifier Verify(List<AuditEntry> chain, List<AuditCheckpoint> checkpoints, Dictionary<string, ECDsa> keys)
    {
        var verifier = new ChainVerifier(1, EntryHash.Genesis);
        foreach (var page in chain.Chunk(4))
            verifier.Feed(page);
        verifier.End(12);
        foreach (var checkpoint in checkpoints)
            verifier.CheckCheckpoint(checkpoint, chain.Where(e => e.Sequence >= checkpoint.FromSequence && e.Sequence <= checkpoint.ToSequence)
                .Select(e => (e.Sequence, e.Hash)).ToList(), keys);
        return verifier;
    }

    private static AuditEntry Copy(AuditEntry source, Action<AuditEntry> change)
    {
        var copy = new AuditEntry
        {
            Sequence = source.Sequence, EventId = source.EventId, EventType = source.EventType, AggregateId = source.AggregateId,
            AggregateVersion = source.AggregateVersion, ActorSubject = source.ActorSubject, ActorKind = source.ActorKind, ActorRole = source.ActorRole,
            CorrelationId = source.CorrelationId, OccurredAt = source.OccurredAt, RecordedAt = source.RecordedAt, Payload = source.Payload,
            PreviousHash = source.PreviousHash, Hash = source.Hash, Format = source.Format, ActorClient = source.ActorClient, Service = source.Service,
            Node = source.Node, Purpose = source.Purpose, PurposeCodes = source.PurposeCodes, Entitlements = source.Entitlements,
            Outcome = source.Outcome, OutcomeDetail = source.OutcomeDetail, ContentHash = source.ContentHash,
        };
        change(copy);
        return copy;
    }
}
