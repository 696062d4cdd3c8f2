using System.Text.Json;
using Federation.Audit.Data;
using Federation.Audit.Domain;
using Federation.Contracts.Audit;
using Federation.Contracts.Compute;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Integrity;
using Microsoft.EntityFrameworkCore;

namespace Federation.Audit.Nodes;

/// <summary>One way the node's own chain and the central trail disagree (or the node's chain does not hold together).</summary>
/// <param name="Kind">
/// <c>differs</c> (a part both know, with another state or result hash), <c>not-at-node</c> (a part the trail recorded
/// from the node that the node's chain, sealed after it, does not hold), <c>not-at-center</c> (a part the node recorded
/// that never reached the trail), or a broken node chain: <c>node-key-changed</c>, <c>node-signature</c>, <c>node-chain</c>.
/// </param>
public sealed record NodeDivergence(string Kind, string? TaskId, string? Dataset, long? Sequence, long? NodeSequence, string Detail)
{
    public int? Round { get; init; }
}

/// <summary>The answer of <c>GET /api/audit/nodes/{node}/cross-check</c>.</summary>
public sealed record NodeCrossCheckReport(
    string Node, int Checkpoints, long NodeEntries, DateTimeOffset? SealedUpTo, string? KeyId, int CentralParts, int Matched, int Pending,
    IReadOnlyList<NodeDivergence> Divergences)
{
    public bool Consistent => Divergences.Count == 0;
}

/// <summary>
/// Cross-checks a node's local audit chain, as its signed checkpoints (<see cref="NodeAuditCheckpointSealed"/>, recorded in
/// the trail) show it, against the <see cref="TaskPartFinished"/> events the trail recorded from that node. First the
/// node's chain itself: every checkpoint signed by the key of the node's first checkpoint (pinned on first use), ranges
/// tiling the chain, each entry's hash recomputed, each link, each Merkle root. Then part by part, keyed by task, dataset
/// and round (training parts run many rounds, a transfer is round 0): the node's state and result hash against the central event's. A part the trail has but the node does not is
/// a divergence once the node has sealed a checkpoint after it (before that it is pending); a part the node has and the
/// trail does not, once it is older than <c>grace</c> (events in flight).
/// </summary>
public static class NodeCrossCheck
{
    private static readonly string CheckpointType = EventCatalog.Urn(typeof(NodeAuditCheckpointSealed));
    private static readonly string PartType = EventCatalog.Urn(typeof(TaskPartFinished));

    public static async Task<NodeCrossCheckReport?> Of(AuditDbContext db, string node, TimeSpan grace, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var entries = await db.Entries.AsNoTracking()
            .Where(e => (e.EventType == CheckpointType || e.EventType == PartType)
                        && db.EntryRefs.Any(r => r.Kind == RefKinds.Node && r.Value == node && r.Sequence == e.Sequence))
            .OrderBy(e => e.Sequence).ToListAsync(cancellationToken);
        if (entries.Count == 0)
            return null;
        var checkpoints = entries.Where(e => e.EventType == CheckpointType).Select(e => Read<NodeAuditCheckpointSealed>(e.Payload))
            .OfType<NodeAuditCheckpointSealed>().Where(c => c.Node == node).DistinctBy(c => c.Number).OrderBy(c => c.Number).ToList();
        var parts = entries.Where(e => e.EventType == PartType).Select(e => (Entry: e, Part: Read<TaskPartFinished>(e.Payload)))
            .Where(p => p.Part is not null && p.Part.Node == node).Select(p => (p.Entry, Part: p.Part!)).ToList();

        var divergences = new List<NodeDivergence>();
        var held = Chain(node, checkpoints, divergences);
        var sealedUpTo = checkpoints.Count > 0 ? checkpoints[^1].SealedAt : (DateTimeOffset?)null;
        int matched = 0, pending = 0;
        foreach (var (entry, part) in parts)
        {
            var resultHash = part.Result is null ? null : NodeAuditForm.Sha256(part.Result);
            if (held.TryGetValue((part.TaskId, part.Dataset, part.Round), out var records))
            {
                if (records.Any(r => r.State == part.State && r.ResultHash == resultHash))
                    matched++;
                else
                    divergences.Add(new NodeDivergence("differs", part.TaskId, part.Dataset, entry.Sequence, records[^1].Sequence,
                        $"the node recorded {records[^1].State} with result hash {records[^1].ResultHash ?? "none"}; the trail has {part.State} with " +
                        $"result hash {resultHash ?? "none"}") { Round = part.Round });
            }
            else if (sealedUpTo is { } upTo && new DateTimeOffset(DateTime.SpecifyKind(entry.OccurredAt, DateTimeKind.Utc)) <= upTo)
                divergences.Add(new NodeDivergence("not-at-node", part.TaskId, part.Dataset, entry.Sequence, null,
                    $"the trail recorded this part from node {node} ({part.State}), but the node's chain, sealed until {upTo:O}, does not hold it")
                    { Round = part.Round });
            else
                pending++;
        }
        var central = parts.Select(p => (p.Part.TaskId, p.Part.Dataset, p.Part.Round)).ToHashSet();
        foreach (var (key, records) in held.Where(h => !central.Contains(h.Key)))
        {
            if (records[^1].RecordedAt < now - grace)
                divergences.Add(new NodeDivergence("not-at-center", key.TaskId, key.Dataset, null, records[^1].Sequence,
                    $"node {node} recorded {records[^1].State} at {records[^1].RecordedAt:O}; the trail holds no TaskPartFinished for it") { Round = key.Round });
            else
                pending++;
        }
        return new NodeCrossCheckReport(node, checkpoints.Count, held.Values.Sum(r => r.Count), sealedUpTo, checkpoints.FirstOrDefault()?.KeyId,
            parts.Count, matched, pending, divergences);
    }

    /// <summary>What is wrong with a node's chain as <paramref name="checkpoints"/> (in number order) carry it: nothing, when it holds together.</summary>
    public static IReadOnlyList<NodeDivergence> VerifyChain(string node, IReadOnlyList<NodeAuditCheckpointSealed> checkpoints)
    {
        var divergences = new List<NodeDivergence>();
        Chain(node, checkpoints, divergences);
        return divergences;
    }

    /// <summary>Verifies the node's chain as its checkpoints carry it; returns its entries by task and dataset.</summary>
    private static Dictionary<(string TaskId, string Dataset, int Round), List<NodeAuditRecord>> Chain(string node, IReadOnlyList<NodeAuditCheckpointSealed> checkpoints,
        List<NodeDivergence> divergences)
    {
        var held = new Dictionary<(string, string, int), List<NodeAuditRecord>>();
        if (checkpoints.Count == 0)
            return held;
        var pinned = checkpoints[0];
        using var key = Es256Jws.FromJwk(pinned.PublicKeyX, pinned.PublicKeyY);
        var (previousTo, previousHash) = (0L, NodeAuditForm.Genesis);
        foreach (var c in checkpoints)
        {
            string? problem = null;
            if ((c.KeyId, c.PublicKeyX, c.PublicKeyY) != (pinned.KeyId, pinned.PublicKeyX, pinned.PublicKeyY))
                divergences.Add(new NodeDivergence("node-key-changed", null, null, null, c.FromSequence,
                    $"checkpoint {c.Number} is signed by another key than the node's first checkpoint ({pinned.KeyId})"));
            else if (Es256Jws.Verify(c.Signature, kid => kid == pinned.KeyId ? key : null) is var (payload, invalid) && payload is null)
                problem = $"checkpoint {c.Number}: {invalid}";
            else if (payload.ToJsonString() != NodeAuditForm.CheckpointPayload(node, c.Number, c.FromSequence, c.ToSequence, c.MerkleRoot, c.ChainHash, c.SealedAt).ToJsonString())
                problem = $"checkpoint {c.Number} differs from what the node signed";
            if (problem is not null)
                divergences.Add(new NodeDivergence("node-signature", null, null, null, c.FromSequence, problem));

            if (c.FromSequence != previousTo + 1)
                divergences.Add(new NodeDivergence("node-chain", null, null, null, previousTo + 1,
                    $"checkpoint {c.Number} starts at {c.FromSequence}, not right after the previous one ({previousTo})"));
            var ordered = c.Entries.OrderBy(r => r.Sequence).ToList();
            if (ordered.Count != c.ToSequence - c.FromSequence + 1 || ordered.Select((r, i) => r.Sequence != c.FromSequence + i).Any(gap => gap))
                divergences.Add(new NodeDivergence("node-chain", null, null, null, c.FromSequence, $"checkpoint {c.Number} does not carry entries {c.FromSequence}–{c.ToSequence}"));
            foreach (var r in ordered)
            {
                if (r.PreviousHash != previousHash || NodeAuditForm.Hash(node, r) != r.Hash)
                    divergences.Add(new NodeDivergence("node-chain", r.TaskId, r.Dataset, null, r.Sequence,
                        r.PreviousHash != previousHash ? $"entry {r.Sequence} does not link to the entry before it" : $"entry {r.Sequence} does not match its hash"));
                previousHash = r.Hash;
                (held.TryGetValue((r.TaskId, r.Dataset, r.Round), out var list) ? list : held[(r.TaskId, r.Dataset, r.Round)] = []).Add(r);
            }
            string? root = null;
            try
            {
                root = ordered.Count > 0 ? MerkleTree.Root(ordered.Select(r => r.Hash).ToList()) : null;
            }
            catch (FormatException)
            {
                // reported just below: a malformed hash cannot make the signed root
            }
            if (root != c.MerkleRoot || (ordered.Count > 0 && ordered[^1].Hash != c.ChainHash))
                divergences.Add(new NodeDivergence("node-chain", null, null, null, c.FromSequence,
                    $"checkpoint {c.Number}: its entries do not give the signed Merkle root and chain hash"));
            previousTo = c.ToSequence;
        }
        return held;
    }

    private static T? Read<T>(string payload) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(payload, JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
