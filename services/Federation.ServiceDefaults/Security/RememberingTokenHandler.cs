using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Federation.ServiceDefaults.Security;

/// <summary>
/// Validates access tokens and remembers, by their exact text, the ones that passed: a client sends the same token with
/// every request until it expires, and checking its RS256 signature and building its claims each time was about a
/// tenth of the access role's CPU under load. A remembered token is accepted again without that work only
/// <list type="bullet">
/// <item>before its own expiry (the skew that full validation allows past it is left to full validation),</item>
/// <item>for at most <see cref="MaxAge"/> after it was checked,</item>
/// <item>while the key that signed it is still one the validation trusts (a key retired at the identity role ends its
/// tokens here at their next request, as without the memory).</item>
/// </list>
/// Everything else (a new token, a failing one, one past those bounds) is validated in full; failures are never
/// remembered, so only tokens that were valid can take a place, and at most <see cref="Capacity"/> are kept.
/// </summary>
public sealed class RememberingTokenHandler(TimeProvider clock) : JsonWebTokenHandler
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, Remembered> remembered = new(StringComparer.Ordinal);

    private sealed record Remembered(JsonWebToken Token, ClaimsIdentity Identity, string? Issuer, string? KeyId, DateTimeOffset Until);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = clock.GetUtcNow();
        if (remembered.TryGetValue(token, out var known))
        {
            if (now < known.Until && await StillTrusted(known, validationParameters))
                return new TokenValidationResult
                {
                    IsValid = true,
                    SecurityToken = known.Token,
                    // A copy: what the request's pipeline adds to its identity must not reach the next request's.
                    ClaimsIdentity = known.Identity.Clone(),
                    Issuer = known.Issuer,
                    TokenType = known.Token.Typ,
                };
            remembered.TryRemove(token, out _);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result is { IsValid: true, SecurityToken: JsonWebToken jwt })
        {
            var until = Min(new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero), now + MaxAge);
            if (remembered.Count >= Capacity)
                remembered.Clear(); // a burst of distinct tokens: start again rather than track ages
            remembered[token] = new Remembered(jwt, result.ClaimsIdentity.Clone(), result.Issuer, jwt.Kid, until);
        }
        return result;
    }

    /// <summary>
    /// Whether a key with the remembered token's key id is among those this validation would try now: the parameters'
    /// own keys and resolver (the identity role in this process), and the identity role's published keys (its discovery
    /// document, as the configuration manager holds it) otherwise.
    /// </summary>
    private static async ValueTask<bool> StillTrusted(Remembered known, TokenValidationParameters parameters)
    {
        if (known.KeyId is null)
            return false;
        IEnumerable<SecurityKey> keys = parameters.IssuerSigningKeys ?? [];
        if (parameters.IssuerSigningKey is { } single)
            keys = keys.Append(single);
        if (parameters.IssuerSigningKeyResolver is { } resolve)
            keys = keys.Concat(resolve(null, known.Token, known.KeyId, parameters) ?? []);
        if (parameters.ConfigurationManager is { } published)
            keys = keys.Concat((await published.GetBaseConfigurationAsync(CancellationToken.None)).SigningKeys);
        return keys.Any(k => string.Equals(k.KeyId, known.KeyId, StringComparison.Ordinal));
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
