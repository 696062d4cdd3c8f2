using Federation.Identity.Data;
using Federation.Identity.Keys;
using Federation.ServiceDefaults.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;
using Microsoft.AspNetCore;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Federation.Identity.Protocol;

/// <summary>
/// OpenIddict as the federation's OpenID Connect server: authorization code + PKCE for people,
/// client credentials for partner systems and node agents, refresh tokens, end-session; discovery
/// and JWKS under <c>/.well-known/</c>. Access tokens are signed JWTs (<c>at+jwt</c>), not encrypted,
/// so every role validates them with the public keys alone.
/// </summary>
internal static class OpenIddictSetup
{
    public const string AuthorizeUri = "connect/authorize";
    public const string TokenUri = "connect/token";
    public const string EndSessionUri = "connect/endsession";
    public const string RevocationUri = "connect/revoke";

    public static void AddFederationOpenIddict(this IServiceCollection services, IdentitySettings settings, string audience)
    {
        var issuer = new Uri(settings.Issuer!);
        services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<IdentityDbContext>())
            .AddServer(server =>
            {
                server.SetIssuer(issuer)
                    .SetAuthorizationEndpointUris(AuthorizeUri)
                    .SetTokenEndpointUris(TokenUri)
                    .SetEndSessionEndpointUris(EndSessionUri)
                    .SetRevocationEndpointUris(RevocationUri);
                server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange()
                    .AllowClientCredentialsFlow()
                    .AllowRefreshTokenFlow();
                server.RegisterScopes([Scopes.OpenId, Scopes.Profile, Scopes.OfflineAccess, .. FederationScopes.All]);
                server.RegisterAudiences(audience);
                server.DisableAccessTokenEncryption();
                server.SetAccessTokenLifetime(settings.AccessTokenLifetime).SetRefreshTokenLifetime(settings.RefreshTokenLifetime);

                // Every refused token request (unknown client, wrong secret, spent code, revoked node) is a security event,
                // whether OpenIddict refused it or our passthrough did; before the handler that writes the response ends the chain.
                server.AddEventHandler<OpenIddictServerEvents.ApplyTokenResponseContext>(handler => handler
                    .UseInlineHandler(context =>
                    {
                        if (context.Error is { } error && context.Transaction.GetHttpRequest()?.HttpContext is { } http)
                            http.RequestServices.GetRequiredService<SecurityEventRecorder>().TokenRefused(http, error, context.Request?.ClientId,
                                context.Request?.GrantType, error == Errors.InvalidClient ? StatusCodes.Status401Unauthorized : StatusCodes.Status400BadRequest);
                        return default;
                    })
                    .SetOrder(int.MinValue + 100_000)
                    .SetType(OpenIddictServerHandlerType.Custom));

                var aspNetCore = server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough();
                // Plain HTTP only on loopback (dev, tests); IdentitySettings refuses an http issuer elsewhere.
                if (issuer.Scheme == Uri.UriSchemeHttp)
                    aspNetCore.DisableTransportSecurityRequirement();
            });

        // Keys come from the database (KeyRing), not from certificates on disk: every replica signs alike.
        services.AddOptions<OpenIddictServerOptions>().Configure<KeyRing>((options, ring) =>
        {
            foreach (var key in ring.SigningKeys)
                options.SigningCredentials.Add(new SigningCredentials(key, SecurityAlgorithms.RsaSha256));
            foreach (var key in ring.EncryptionKeys)
                options.EncryptionCredentials.Add(new EncryptingCredentials(key, SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
        });
    }
}
