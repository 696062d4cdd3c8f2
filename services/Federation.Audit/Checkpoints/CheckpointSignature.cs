using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace Federation.Audit.Checkpoints;

/// <summary>
/// A checkpoint as a compact JWS (RFC 7515), ES256 (RFC 7518 §3.4: P-256, SHA-256, signature r ‖ s):
/// header <c>{"alg":"ES256","kid":…,"typ":"audit-checkpoint+jwt"}</c>, payload
/// <c>{"iss":"urn:federation:audit","number":…,"from":…,"to":…,"merkleRoot":…,"chainHash":…,"sealedAt":…}</c>.
/// Any JOSE library verifies it with the JWKS at <c>/api/audit/keys</c>.
/// </summary>
public static class CheckpointSignature
{
    public const string Algorithm = "ES256";
    public const string Type = "audit-checkpoint+jwt";
    public const string Issuer = "urn:federation:audit";

    public static string Sign(AuditCheckpoint checkpoint, string keyId, ECDsa key)
    {
        var header = new JsonObject { ["alg"] = Algorithm, ["kid"] = keyId, ["typ"] = Type };
        var signingInput = $"{Encode(header)}.{Encode(Payload(checkpoint))}";
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{signingInput}.{Base64UrlEncoder.Encode(signature)}";
    }

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
    public static (JsonObject? Payload, string? Problem) Verify(string jws, IReadOnlyDictionary<string, ECDsa> publicKeys)
    {
        var parts = jws.Split('.');
        if (parts.Length != 3)
            return (null, "the signature is not a compact JWS");
        try
        {
            var header = JsonNode.Parse(Base64UrlEncoder.DecodeBytes(parts[0]))!.AsObject();
            if (header["alg"]?.GetValue<string>() != Algorithm)
                return (null, $"the signature's algorithm is not {Algorithm}");
            var keyId = header["kid"]?.GetValue<string>();
            if (keyId is null || !publicKeys.TryGetValue(keyId, out var key))
                return (null, $"the signing key '{keyId}' is not one of the audit role's keys");
            var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
            if (!key.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), signature, HashAlgorithmName.SHA256,
                    DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
                return (null, "the signature does not verify");
            return (JsonNode.Parse(Base64UrlEncoder.DecodeBytes(parts[1]))!.AsObject(), null);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException or ArgumentException)
        {
            return (null, "the signature is malformed");
        }
    }

    /// <summary>The public half of <paramref name="key"/> as a JWK (no private parameter, ever).</summary>
    public static Dictionary<string, string> PublicJwk(string keyId, ECDsa key)
    {
        var p = key.ExportParameters(includePrivateParameters: false);
        return new Dictionary<string, string>
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["use"] = "sig",
            ["alg"] = Algorithm,
            ["kid"] = keyId,
            ["x"] = Base64UrlEncoder.Encode(p.Q.X),
            ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
        };
    }

    private static string Encode(JsonNode node) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(node.ToJsonString()));
}
