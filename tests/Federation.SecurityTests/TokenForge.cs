using System.Security.Cryptography;
using Federation.ServiceDefaults.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Federation.SecurityTests;

/// <summary>
/// Mints the tokens an attacker or a misconfigured client would present: with the federation's real
/// signing key (to isolate one wrong property at a time), with a foreign key, unsigned, tampered.
/// </summary>
public sealed class TokenForge(string issuer, SecurityKey realKey)
{
    private static readonly RsaSecurityKey ForeignKey = new(RSA.Create(2048)) { KeyId = "foreign" };

    public string Issuer => issuer;

    /// <summary>A token that differs from a valid one only where the arguments say.</summary>
    public string Mint(string role, IEnumerable<string> scopes, string? subject = null, string? tokenIssuer = null, string audience = "federation",
        DateTime? expires = null, DateTime? notBefore = null, string type = "at+jwt", SecurityKey? key = null)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = tokenIssuer ?? issuer,
            Audience = audience,
            IssuedAt = (notBefore ?? now).AddSeconds(-1),
            NotBefore = notBefore ?? now.AddSeconds(-1),
            Expires = expires ?? now.AddMinutes(10),
            TokenType = type,
            Claims = new Dictionary<string, object>
            {
                [FederationClaims.Subject] = subject ?? $"forged-{role}",
                [FederationClaims.Role] = role,
                [FederationClaims.Scope] = string.Join(' ', scopes),
            },
            SigningCredentials = new SigningCredentials(key ?? realKey, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    public string Foreign(string role, IEnumerable<string> scopes) => Mint(role, scopes, tokenIssuer: "https://attacker.example/", key: ForeignKey);

    /// <summary>The same claims with <c>alg: none</c> and no signature.</summary>
    public string Unsigned(string role, IEnumerable<string> scopes)
    {
        var valid = new JsonWebToken(Mint(role, scopes));
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"at+jwt"}""");
        return $"{header}.{valid.EncodedPayload}.";
    }

    /// <summary>A valid token whose payload was edited afterwards (another subject, raised to platform-admin), signature kept.</summary>
    public string Tampered(string role, IEnumerable<string> scopes)
    {
        var valid = new JsonWebToken(Mint(role, scopes));
        var payload = System.Text.Json.Nodes.JsonNode.Parse(Base64UrlEncoder.Decode(valid.EncodedPayload))!.AsObject();
        payload[FederationClaims.Subject] = "tampered-" + payload[FederationClaims.Subject]!.GetValue<string>();
        payload[FederationClaims.Role] = FederationRoles.PlatformAdmin;
        return $"{valid.EncodedHeader}.{Base64UrlEncoder.Encode(payload.ToJsonString())}.{valid.EncodedSignature}";
    }
}
