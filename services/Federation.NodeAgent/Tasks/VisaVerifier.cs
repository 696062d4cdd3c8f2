using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Federation.NodeAgent.Tasks;

/// <summary>
/// Checks a researcher's GA4GH visa before this node touches data for them: signed by a key of the trusted visa
/// issuer (fetched from <see cref="NodeAgentOptions.VisaKeysUrl"/>, never from the token's own <c>jku</c>), not
/// expired, issued to the task's owner, a ControlledAccessGrants assertion for exactly this dataset.
/// </summary>
public sealed class VisaVerifier(HttpClient http, IOptions<NodeAgentOptions> options, TimeProvider clock)
{
    private static readonly JsonWebTokenHandler Handler = new();
    private JsonWebKeySet? keys;
    private DateTimeOffset fetchedAt;

    /// <summary>Null when the visa holds; otherwise why not.</summary>
    public async Task<string?> Refusal(string? visa, string owner, string dataset, CancellationToken cancellationToken)
    {
        if (visa is null)
            return "no visa came with the task";
        if (options.Value.VisaKeysUrl is null)
            return "this node trusts no visa issuer (Federation:NodeAgent:VisaKeysUrl is not set)";
        var result = await Validate(visa, refresh: false, cancellationToken);
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
            result = await Validate(visa, refresh: true, cancellationToken); // a rotated key: fetch the set again once
        if (!result.IsValid)
            return $"the visa is not valid: {result.Exception?.GetType().Name.Replace("SecurityToken", "", StringComparison.Ordinal)}";
        var token = (JsonWebToken)result.SecurityToken;
        if (token.Subject != owner)
            return "the visa was issued to someone else";
        if (!token.TryGetPayloadValue<JsonElement>("ga4gh_visa_v1", out var assertion)
            || assertion.GetProperty("type").GetString() != "ControlledAccessGrants"
            || assertion.GetProperty("value").GetString() != $"urn:federation:dataset:{Uri.EscapeDataString(dataset)}")
            return $"the visa grants no access to {dataset}";
        return null;
    }

    private async Task<TokenValidationResult> Validate(string visa, bool refresh, CancellationToken cancellationToken)
    {
        if (keys is null || refresh || clock.GetUtcNow() - fetchedAt > TimeSpan.FromMinutes(10))
        {
            keys = new JsonWebKeySet(await http.GetStringAsync(options.Value.VisaKeysUrl, cancellationToken));
            fetchedAt = clock.GetUtcNow();
        }
        return await Handler.ValidateTokenAsync(visa, new TokenValidationParameters
        {
            ValidateIssuer = false, // the keys come from the one trusted issuer's URL
            ValidateAudience = false,
            IssuerSigningKeys = keys.GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ClockSkew = TimeSpan.FromSeconds(30),
            LifetimeValidator = (notBefore, expires, _, _) =>
                expires is { } end && end.ToUniversalTime() > clock.GetUtcNow().UtcDateTime.AddSeconds(-30)
                && (notBefore is null || notBefore.Value.ToUniversalTime() <= clock.GetUtcNow().UtcDateTime.AddSeconds(30)),
        });
    }
}
