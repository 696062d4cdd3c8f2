using System.Security.Claims;
using Federation.Identity.Domain;
using Federation.ServiceDefaults.Security;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Federation.Identity.Protocol;

/// <summary>
/// The one place that decides what a token says about its holder: subject, role, bindings, and only
/// the requested scopes that the holder's role allows.
/// </summary>
internal static class TokenClaims
{
    public static ClaimsPrincipal ForAccount(Account account, IEnumerable<string> requestedScopes, string audience)
    {
        var identity = NewIdentity();
        identity.SetClaim(Claims.Subject, account.Id)
            .SetClaim(Claims.Name, account.DisplayName)
            .SetClaim(Claims.PreferredUsername, account.UserName)
            .SetClaim(FederationClaims.Role, account.Role);
        foreach (var holder in account.DataHolders)
            identity.AddClaim(new Claim(FederationClaims.DataHolder, holder));
        if (account.Node is not null)
            identity.SetClaim(FederationClaims.Node, account.Node);
        return Finish(identity, requestedScopes, FederationRoles.ScopesOf(account.Role), audience, person: true);
    }

    public static ClaimsPrincipal ForClient(string clientId, string displayName, ClientKind kind, string? node, IEnumerable<string> requestedScopes, string audience)
    {
        var identity = NewIdentity();
        identity.SetClaim(Claims.Subject, clientId)
            .SetClaim(Claims.Name, displayName)
            .SetClaim(FederationClaims.Role, kind.Role);
        if (node is not null)
            identity.SetClaim(FederationClaims.Node, node);
        return Finish(identity, requestedScopes, FederationRoles.ScopesOf(kind.Role), audience, person: false);
    }

    private static ClaimsIdentity NewIdentity() =>
        new(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, FederationClaims.Role);

    private static ClaimsPrincipal Finish(ClaimsIdentity identity, IEnumerable<string> requested, IReadOnlyList<string> allowed, string audience, bool person)
    {
        var requestedSet = requested.ToHashSet(StringComparer.Ordinal);
        var granted = requestedSet.Where(s => allowed.Contains(s, StringComparer.Ordinal)).ToList();
        if (person)
            granted.AddRange(new[] { Scopes.OpenId, Scopes.Profile, Scopes.OfflineAccess }.Where(requestedSet.Contains));
        identity.SetScopes(granted);
        identity.SetAudiences(audience);
        identity.SetDestinations(claim => claim.Type switch
        {
            Claims.Name or Claims.PreferredUsername or FederationClaims.Role when identity.HasScope(Scopes.Profile) =>
                [Destinations.AccessToken, Destinations.IdentityToken],
            _ => [Destinations.AccessToken],
        });
        return new ClaimsPrincipal(identity);
    }
}
