using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Federation.ServiceDefaults.Integrity;

namespace Federation.Audit.Checkpoints;

/// <summary>
/// A checkpoint as a compact JWS (RFC 7515), ES256 (RFC 7518 §3.4: P-256, SHA-256, signature r ‖ s):
/// header <c>{"alg":"ES256","kid":…,"typ":"audit-checkpoint+jwt"}</c>, payload
/// <c>{"iss":"urn:federation:audit","number":…,"from":…,"to":…,"merkleRoot":…,"chainHash":…,"sealedAt":…}</c>.
/// Any JOSE library verifies it with the JWKS at <c>/api/audit/keys</c>.
/// </summary>
public static class CheckpointSignature
{
    public const string Algorithm = Es256Jws.Algorithm;
    public const string Type = "audit-checkpoint+jwt";
    public const string Issuer = "urn:federation:audit";

    public static string Sign(AuditCheckpoint checkpoint, string keyId, ECDsa key) => Es256Jws.Sign(keyId, Type, Payload(checkpoint), key);

    /// <summary>The claims a checkpoint signs; sealed-at in whole microseconds like every stored time.</summary>
    public static JsonObject Payload(AuditCheckpoint c) => new()
    {
        ["iss"] = Issuer,
        ["number"] = c.Number,
        ["from"] = c.FromSequence,
        ["to"] = c.ToSequence,
        ["merkleRoot"] = c.MerkleRoot,
        ["chainHash"] = c.ChainHash,
        ["sealedAt"] = Chain.EntryHash.Time(c.SealedAt),
    };

    /// <summary>
    /// Checks the signature with the key the header names and returns the signed payload, or the reason it cannot be trusted.
    /// </summary>
    public static (JsonObject? Payload, string? Problem) Verify(string jws, IReadOnlyDictionary<string, ECDsa> publicKeys) =>
        Es256Jws.Verify(jws, kid => publicKeys.GetValueOrDefault(kid));

    /// <summary>The public half of <paramref name="key"/> as a JWK (no private parameter, ever).</summary>
    public static Dictionary<string, string> PublicJwk(string keyId, ECDsa key) => Es256Jws.PublicJwk(keyId, key);
}
