using System.Security.Cryptography;
using Federation.Audit.Nodes;
using Federation.Contracts.Audit;
using Federation.ServiceDefaults.Integrity;
using Xunit;

namespace Federation.Audit.Tests;

/// <summary>The audit role's check of a node's own chain as its checkpoints carry it, without a database: every way it can fail.</summary>
public sealed class NodeChainTests
{
    private const string Node = "site-a";

    [Fact]
    public void An_untouched_node_chain_holds_together() => Assert.Empty(NodeCrossCheck.VerifyChain(Node, Sealed(out _)));

    [Fact]
    public void An_entry_changed_after_sealing_is_found()
    {
        var checkpoints = Sealed(out _);
        var changed = checkpoints[1].Entries[0] with { State = "SYSTEM_ERROR" };
        checkpoints[1] = checkpoints[1] with { Entries = [changed, .. checkpoints[1].Entries.Skip(1)] };
        var found = NodeCrossCheck.VerifyChain(Node, checkpoints);
        Assert.Contains(found, d => d.Kind == "node-chain" && d.NodeSequence == changed.Sequence && d.Detail.Contains("hash"));
    }

    [Fact]
    public void A_checkpoint_left_out_is_found()
    {
        var checkpoints = Sealed(out _);
        checkpoints.RemoveAt(1);
        Assert.Contains(NodeCrossCheck.VerifyChain(Node, checkpoints), d => d.Kind == "node-chain" && d.Detail.Contains("not right after"));
    }

    [Fact]
    public void A_checkpoint_signed_by_another_key_or_not_as_signed_is_found()
    {
        var checkpoints = Sealed(out _);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = Es256Jws.PublicJwk("intruder", other);
        var resigned = checkpoints.ToList();
        resigned[2] = resigned[2] with { KeyId = "intruder", PublicKeyX = jwk["x"], PublicKeyY = jwk["y"] };
        Assert.Contains(NodeCrossCheck.VerifyChain(Node, resigned), d => d.Kind == "node-key-changed");

        var relabelled = checkpoints.ToList();
        relabelled[2] = relabelled[2] with { MerkleRoot = new string('0', 64) };
        Assert.Contains(NodeCrossCheck.VerifyChain(Node, relabelled), d => d.Kind == "node-signature");
    }

    /// <summary>Seven entries in checkpoints of three, built and signed as the node agent does.</summary>
    private static List<NodeAuditCheckpointSealed> Sealed(out ECDsa key)
    {
        key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = Es256Jws.PublicJwk("node-site-a-audit-1", key);
        var previous = NodeAuditForm.Genesis;
        var records = new List<NodeAuditRecord>();
        for (var i = 1; i <= 7; i++)
        {
            var record = new NodeAuditRecord(i, $"task-{i}", "ds-1", 1, "alice", "builtin:cohort-statistics", NodeAuditForm.Sha256("visa"), "COMPLETE",
                "released", NodeAuditForm.Sha256($"result {i}"), new DateTimeOffset(2026, 1, 2, 3, 4, i, TimeSpan.Zero), previous, "");
            record = record with { Hash = NodeAuditForm.Hash(Node, record) };
            records.Add(record);
            previous = record.Hash;
        }
        var checkpoints = new List<NodeAuditCheckpointSealed>();
        foreach (var (chunk, number) in records.Chunk(3).Select((c, n) => (c, n + 1L)))
        {
            var (from, to) = (chunk[0].Sequence, chunk[^1].Sequence);
            var root = MerkleTree.Root(chunk.Select(r => r.Hash).ToList());
            var sealedAt = new DateTimeOffset(2026, 1, 2, 4, 0, (int)number, TimeSpan.Zero);
            checkpoints.Add(new NodeAuditCheckpointSealed
            {
                Node = Node, Number = number, FromSequence = from, ToSequence = to, MerkleRoot = root, ChainHash = chunk[^1].Hash, SealedAt = sealedAt,
                KeyId = jwk["kid"], PublicKeyX = jwk["x"], PublicKeyY = jwk["y"], Entries = chunk,
                Signature = Es256Jws.Sign(jwk["kid"], NodeAuditForm.CheckpointType,
                    NodeAuditForm.CheckpointPayload(Node, number, from, to, root, chunk[^1].Hash, sealedAt), key),
            });
        }
        return checkpoints;
    }
}
