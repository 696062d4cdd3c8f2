using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Federation.Contracts.Audit;

namespace Federation.ServiceDefaults.Integrity;

/// <summary>
/// The canonical form of a node agent's local audit entries and checkpoints, shared by the node that writes them and
/// the audit role that cross-checks them. Fields are length-prefixed like the audit role's entries (<see cref="CanonicalFields"/>):
/// <code>
/// field(s) = uint32 big-endian byte length of UTF-8(s) ‖ UTF-8(s);   field(null) = FF FF FF FF
/// hash     = SHA-256( field("federation-node-audit-entry/v1") ‖ field(node) ‖ field(sequence) ‖ field(taskId) ‖ field(dataset)
///            ‖ field(round) ‖ field(owner) ‖ field(algorithm) ‖ field(visaHash) ‖ field(state) ‖ field(reason) ‖ field(resultHash)
///            ‖ field(recordedAt) ‖ field(previousHash) )
/// </code>
/// Times UTC <c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c>; hashes lowercase hex; the first entry's previous hash is 64 zeros.
/// </summary>
public static class NodeAuditForm
{
    public const string Domain = "federation-node-audit-entry/v1";
    public const string CheckpointType = "node-audit-checkpoint+jwt";
    public static readonly string Genesis = new('0', 64);

    public static string Hash(string node, NodeAuditRecord r)
    {
        using var buffer = new MemoryStream(512);
        foreach (var field in new[]
                 {
                     Domain, node, r.Sequence.ToString(CultureInfo.InvariantCulture), r.TaskId, r.Dataset, r.Round.ToString(CultureInfo.InvariantCulture),
                     r.Owner, r.Algorithm, r.VisaHash, r.State, r.Reason, r.ResultHash, Time(r.RecordedAt), r.PreviousHash,
                 })
            CanonicalFields.Write(buffer, field);
        return CanonicalFields.Sha256(buffer);
    }

    /// <summary>What a node's checkpoint signs.</summary>
    public static JsonObject CheckpointPayload(string node, long number, long from, long to, string merkleRoot, string chainHash, DateTimeOffset sealedAt) => new()
    {
        ["iss"] = $"urn:federation:node:{node}",
        ["node"] = node,
        ["number"] = number,
        ["from"] = from,
        ["to"] = to,
        ["merkleRoot"] = merkleRoot,
        ["chainHash"] = chainHash,
        ["sealedAt"] = Time(sealedAt),
    };

    /// <summary>Whole microseconds, UTC (<see cref="CanonicalFields.Truncate"/>).</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time) => new(CanonicalFields.Truncate(time.UtcDateTime));

    public static string Time(DateTimeOffset time) => CanonicalFields.Time(time.UtcDateTime);

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
