using System.Net;
using System.Security.Claims;
using Federation.ServiceDefaults.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Federation.Identity.Accounts;

/// <summary>
/// The login page and its cookie: the only place a person types a password. The cookie only lets the
/// authorization endpoint know who is there; APIs never accept it (they take bearer tokens only).
/// An upstream OpenID provider (Life Science AAI) would be one more authentication scheme offered
/// here, mapped to an account by its subject, with the rest of the flow unchanged.
/// </summary>
internal static class LoginCookie
{
    public const string Scheme = "federation-login";
    public const string LoginPath = "/account/login";

    public static void AddLoginCookie(this IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.LoginPath = LoginPath;
            o.Cookie.Name = "federation.login";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = false;
        });
        services.AddAntiforgery(o => o.Cookie.Name = "federation.antiforgery");
    }

    public static IEndpointRouteBuilder MapLoginPage(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account").AllowAnonymous().ExcludeFromDescription();
        account.MapGet("/login", (HttpContext http, IAntiforgery antiforgery, string? returnUrl) =>
            Page(http, antiforgery, SafeReturn(returnUrl), error: null, StatusCodes.Status200OK));
        account.MapPost("/login", SignIn).DisableAntiforgery(); // validated by hand below, with a clear 400
        account.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(Scheme);
            return Results.Redirect(LoginPath);
        }).DisableAntiforgery();
        // Where the login lands without a client to return to, and the portal's default redirect until the portal role serves it.
        account.MapGet("/signed-in", () => Results.Content(Landing, "text/html; charset=utf-8"));
        app.MapGet("/signed-in", () => Results.Content(Landing, "text/html; charset=utf-8")).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> SignIn(HttpContext http, IAntiforgery antiforgery, AccountStore accounts, SecurityEventRecorder security)
    {
        if (!http.Request.HasFormContentType)
            return Results.Problem(statusCode: 415, title: "Form expected", detail: "Post the login form (application/x-www-form-urlencoded).");
        try
        {
            await antiforgery.ValidateRequestAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            return Results.Problem(statusCode: 400, title: "Stale login form", detail: "Reload the login page and try again.");
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var returnUrl = SafeReturn(form["returnUrl"]);
        var account = await accounts.CheckPassword(form["username"], form["password"], http.RequestAborted);
        if (account is null)
        {
            security.SignIn(http, form["username"], account: null, StatusCodes.Status401Unauthorized);
            return Page(http, antiforgery, returnUrl, "Unknown user name or wrong password.", StatusCodes.Status401Unauthorized);
        }
        security.SignIn(http, account.UserName, new Federation.Contracts.Actor(account.Id, "user", account.Role), StatusCodes.Status302Found);

        var identity = new ClaimsIdentity(Scheme, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, account.Id));
        identity.AddClaim(new Claim(Claims.Name, account.DisplayName));
        await http.SignInAsync(Scheme, new ClaimsPrincipal(identity));
        return Results.Redirect(returnUrl);
    }

    private const string Landing =
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signed in · Federation</title></head>" +
        "<body><h1>Signed in</h1><p>Your client exchanges the authorization code at <code>/connect/token</code>.</p></body></html>";

    // Only paths on this server: an open redirect would let a phishing link borrow our login page.
    private static string SafeReturn(string? returnUrl) =>
        returnUrl is { Length: > 1 } url && url[0] == '/' && url[1] is not ('/' or '\\') ? url : "/account/signed-in";

    private static IResult Page(HttpContext http, IAntiforgery antiforgery, string returnUrl, string? error, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        Func<string, string> e = WebUtility.HtmlEncode;
        var message = error is null ? "" : $"<p role=\"alert\" class=\"error\">{e(error)}</p>";
        var html = $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Sign in · Federation</title>
            <style>body{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem}label{display:block;margin:.8rem 0 .2rem}
            input{width:100%;padding:.45rem;box-sizing:border-box}button{margin-top:1.2rem;padding:.5rem 1.2rem}.error{color:#a40000}</style></head>
            <body><h1>Sign in</h1>{{message}}
            <form method="post" action="{{LoginPath}}">
            <input type="hidden" name="{{e(tokens.FormFieldName)}}" value="{{e(tokens.RequestToken ?? "")}}">
            <input type="hidden" name="returnUrl" value="{{e(returnUrl)}}">
            <label for="username">User name</label><input id="username" name="username" autocomplete="username" required autofocus>
            <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
            <button type="submit">Sign in</button></form></body></html>
            """;
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["X-Frame-Options"] = "DENY"; // no clickjacking of the password form
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
