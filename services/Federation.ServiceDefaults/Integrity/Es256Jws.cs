using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace Federation.ServiceDefaults.Integrity;

/// <summary>
/// Compact JWS (RFC 7515) with ES256 (RFC 7518 §3.4: P-256, SHA-256, signature r ‖ s): what the audit role's checkpoints
/// and node agents' local audit checkpoints are signed with, so any JOSE library verifies them.
/// Header <c>{"alg":"ES256","kid":…,"typ":…}</c>.
/// </summary>
public static class Es256Jws
{
    public const string Algorithm = "ES256";

    public static string Sign(string keyId, string type, JsonObject payload, ECDsa key)
    {
        var header = new JsonObject { ["alg"] = Algorithm, ["kid"] = keyId, ["typ"] = type };
        var signingInput = $"{Encode(header)}.{Encode(payload)}";
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{signingInput}.{Base64UrlEncoder.Encode(signature)}";
    }

    /// <summary>Checks the signature with the key <paramref name="keyOf"/> gives for the header's <c>kid</c>; returns the signed payload or why it cannot be trusted.</summary>
    public static (JsonObject? Payload, string? Problem) Verify(string jws, Func<string, ECDsa?> keyOf)
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
            if (keyId is null || keyOf(keyId) is not { } key)
                return (null, $"the signing key '{keyId}' is not a key this signer is known by");
            var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
            if (!key.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), signature, HashAlgorithmName.SHA256,
                    DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
                return (null, "the signature does not verify");
            return (JsonNode.Parse(Base64UrlEncoder.DecodeBytes(parts[1]))!.AsObject(), null);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException or ArgumentException or CryptographicException)
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

    /// <summary>A P-256 public key from a JWK's <c>x</c> and <c>y</c>; null when they are not one.</summary>
    public static ECDsa? FromJwk(string? x, string? y)
    {
        try
        {
            return x is null || y is null ? null : ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(x), Y = Base64UrlEncoder.DecodeBytes(y) },
            });
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException or ArgumentException)
        {
            return null;
        }
    }

    private static string Encode(JsonNode node) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(node.ToJsonString()));
}
