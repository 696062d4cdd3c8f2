using Federation.AccessRequests.Entitlements;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Federation.ServiceDefaults.Persistence;

namespace Federation.AccessRequests.Visas;

/// <summary>
/// A GA4GH Passport visa (v1.2, "visa document token" form) for one entitlement: a JWT signed RS256 whose
/// header names the key (<c>kid</c>) and where to fetch it (<c>jku</c>), and whose <c>ga4gh_visa_v1</c>
/// claim is a <c>ControlledAccessGrants</c> assertion by the data holder's access committee.
/// </summary>
public static class VisaFormat
{
    /// <summary>Visas are short-lived tokens: a client asks for a fresh passport rather than holding one for weeks.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(1);

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public static string DatasetUri(string datasetId) => $"urn:federation:dataset:{Uri.EscapeDataString(datasetId)}";

    public static string Sign(Entitlement entitlement, RsaSecurityKey key, string issuer, string keysUrl, DateTimeOffset now)
    {
        var end = entitlement.End.AsUtc();
        var expires = end < now + MaxLifetime ? end : now + MaxLifetime;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            IssuedAt = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            TokenType = "JWT",
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
            AdditionalHeaderClaims = new Dictionary<string, object> { ["jku"] = keysUrl },
            Claims = new Dictionary<string, object>
            {
                ["sub"] = entitlement.Subject,
                ["jti"] = Guid.NewGuid().ToString(),
                ["ga4gh_visa_v1"] = new Dictionary<string, object>
                {
                    ["type"] = "ControlledAccessGrants",
                    ["asserted"] = entitlement.GrantedAt.AsUtc().ToUnixTimeSeconds(),
                    ["value"] = DatasetUri(entitlement.DatasetId),
                    ["source"] = $"urn:federation:data-holder:{Uri.EscapeDataString(entitlement.DataHolder)}",
                    ["by"] = "dac",
                },
            },
        });
    }

    /// <summary>The public half of <paramref name="key"/> as a JWK (no private parameters, ever).</summary>
    public static Dictionary<string, string> PublicJwk(RsaSecurityKey key)
    {
        var parameters = key.Rsa.ExportParameters(includePrivateParameters: false);
        return new Dictionary<string, string>
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["alg"] = "RS256",
            ["kid"] = key.KeyId,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
    }
}
