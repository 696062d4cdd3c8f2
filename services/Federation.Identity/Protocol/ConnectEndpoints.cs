using System.Security.Claims;
using Federation.Identity.Accounts;
using Federation.Identity.Data;
using Federation.Identity.Domain;
using Federation.Identity.Nodes;
using Federation.ServiceDefaults.Security;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Federation.Identity.Protocol;

/// <summary>
/// The parts of the OpenID Connect endpoints that are ours to decide: who the person is (login
/// cookie), what a client is, and what goes into the token. OpenIddict validates the protocol
/// (client, secret, PKCE, redirect URI, code reuse) before these run.
/// </summary>
internal static class ConnectEndpoints
{
    public static IEndpointRouteBuilder MapConnectEndpoints(this IEndpointRouteBuilder app)
    {
        var connect = app.MapGroup("/").AllowAnonymous().ExcludeFromDescription();
        connect.MapMethods("/" + OpenIddictSetup.AuthorizeUri, [HttpMethods.Get, HttpMethods.Post], (Delegate)Authorize);
        connect.MapPost("/" + OpenIddictSetup.TokenUri, (Delegate)Token);
        connect.MapMethods("/" + OpenIddictSetup.EndSessionUri, [HttpMethods.Get, HttpMethods.Post], (Delegate)EndSession);
        return app;
    }

    private static async Task<IResult> Authorize(HttpContext http, AccountStore accounts, IOptions<SecurityOptions> security)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("OpenIddict did not handle the authorization request.");
        var login = await http.AuthenticateAsync(LoginCookie.Scheme);
        var account = login.Succeeded ? await accounts.FindActive(login.Principal!.FindFirstValue(Claims.Subject)) : null;

        if (account is null || request.HasPromptValue(PromptValues.Login))
        {
            if (request.HasPromptValue(PromptValues.None))
                return Refuse(Errors.LoginRequired, "The user is not signed in.");
            // Back to this same authorization request after the login page (minus prompt=login, or it would loop).
            var parameters = http.Request.HasFormContentType ? http.Request.Form.AsEnumerable() : http.Request.Query.AsEnumerable();
            var back = http.Request.PathBase + http.Request.Path + QueryString.Create(parameters.Where(p => p.Key != Parameters.Prompt));
            if (login.Succeeded)
                await http.SignOutAsync(LoginCookie.Scheme);
            return Results.Challenge(new AuthenticationProperties { RedirectUri = back }, [LoginCookie.Scheme]);
        }

        // First-party clients only (the portal): consent is implicit, so no consent screen.
        var principal = TokenClaims.ForAccount(account, request.GetScopes(), security.Value.Audience);
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> Token(HttpContext http, AccountStore accounts, ClientRegistry clients, IdentityDbContext db, IOptions<SecurityOptions> security)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("OpenIddict did not handle the token request.");
        var audience = security.Value.Audience;

        if (request.IsClientCredentialsGrantType())
        {
            var client = await clients.Describe(request.ClientId!, http.RequestAborted);
            if (client is null)
                return Refuse(Errors.InvalidClient, "The client is not a partner system or a node agent.");
            if (client.Kind == ClientKind.NodeAgent && !await NodeCredentialIssuer.IsActive(db, client.Node!, http.RequestAborted))
                return Refuse(Errors.InvalidClient, "The node's enrolment was revoked.");
            return Results.SignIn(TokenClaims.ForClient(client.ClientId, client.DisplayName, client.Kind, client.Node, request.GetScopes(), audience),
                authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            // The code or refresh token was already validated by OpenIddict; re-read the account so that a
            // disabled person or a changed role takes effect at the next refresh, not at the token's end.
            var granted = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var account = await accounts.FindActive(granted.Principal?.FindFirstValue(Claims.Subject));
            if (account is null)
                return Refuse(Errors.InvalidGrant, "The account no longer exists or is disabled.");
            return Results.SignIn(TokenClaims.ForAccount(account, granted.Principal!.GetScopes(), audience),
                authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        return Refuse(Errors.UnsupportedGrantType, "This grant type is not supported.");
    }

    private static async Task<IResult> EndSession(HttpContext http)
    {
        await http.SignOutAsync(LoginCookie.Scheme);
        // OpenIddict validated post_logout_redirect_uri against the client; without one, the login page.
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/account/login" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static IResult Refuse(string error, string description) =>
        Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
