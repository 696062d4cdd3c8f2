using System.Text.Json;
using Federation.Contracts.Identity;
using Federation.Identity.Data;
using Federation.Identity.Domain;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Security;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Federation.Identity.Accounts;

/// <summary>A registered machine client as the token endpoint needs it.</summary>
public sealed record ClientDescription(string ClientId, string DisplayName, ClientKind Kind, string? Node);

/// <summary>
/// Machine clients (partner systems, node agents) and the first-party portal client, registered in
/// OpenIddict's application store. A client and its <see cref="ClientRegistered"/> event commit in one
/// SaveChanges: the event row is added to the same context OpenIddict's store saves.
/// </summary>
public sealed class ClientRegistry(IOpenIddictApplicationManager applications, IdentityDbContext db, IdentitySettings settings)
{
    public async Task<ClientDescription?> Describe(string clientId, CancellationToken cancellationToken)
    {
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
        if (application is null)
            return null;
        var properties = await applications.GetPropertiesAsync(application, cancellationToken);
        var kind = properties.TryGetValue(ClientKind.KindProperty, out var k) && k.ValueKind == JsonValueKind.String ? ClientKind.Named(k.GetString()) : null;
        if (kind is null)
            return null;
        var node = properties.TryGetValue(ClientKind.NodeProperty, out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        return new ClientDescription(clientId, await applications.GetDisplayNameAsync(application, cancellationToken) ?? clientId, kind, node);
    }

    public async Task<bool> Exists(string clientId, CancellationToken cancellationToken) =>
        await applications.FindByClientIdAsync(clientId, cancellationToken) is not null;

    /// <summary>
    /// Registers a confidential client-credentials client; returns its secret (stored only as a hash): <paramref name="secret"/>
    /// when the caller already had to hand it elsewhere (a node's broker user), else a new one.
    /// </summary>
    public async Task<string> Register(string clientId, string displayName, ClientKind kind, string? node, IReadOnlyList<string> scopes,
        EventStamp stamp, CancellationToken cancellationToken, string? secret = null)
    {
        secret ??= Secrets.New();
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = displayName,
            Permissions = { Permissions.Endpoints.Token, Permissions.Endpoints.Revocation, Permissions.GrantTypes.ClientCredentials },
        };
        foreach (var scope in scopes)
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        descriptor.Properties[ClientKind.KindProperty] = JsonSerializer.SerializeToElement(kind.Name);
        if (node is not null)
            descriptor.Properties[ClientKind.NodeProperty] = JsonSerializer.SerializeToElement(node);

        db.Publish(stamp.Stamp(new ClientRegistered { ClientId = clientId, DisplayName = displayName, Kind = kind.Name, Scopes = scopes, Node = node }, clientId, 1));
        await applications.CreateAsync(descriptor, cancellationToken); // saves the application and the event row together
        return secret;
    }

    /// <summary>The portal (a public client: PKCE, no secret) exists with the configured redirect URIs.</summary>
    public async Task EnsurePortal(CancellationToken cancellationToken)
    {
        if (await applications.FindByClientIdAsync(IdentitySettings.PortalClientId, cancellationToken) is not null)
            return;
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = IdentitySettings.PortalClientId,
            ClientType = ClientTypes.Public,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = "Federation portal",
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession, Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile, Permissions.Prefixes.Scope + Scopes.OfflineAccess,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var scope in FederationScopes.All)
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        foreach (var redirect in settings.PortalRedirectUris)
        {
            descriptor.RedirectUris.Add(new Uri(redirect));
            descriptor.PostLogoutRedirectUris.Add(new Uri(redirect));
        }
        await applications.CreateAsync(descriptor, cancellationToken);
    }
}
