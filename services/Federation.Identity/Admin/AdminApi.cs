using Federation.Identity.Accounts;
using Federation.Identity.Domain;
using Federation.Identity.Keys;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Http;
using Federation.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Federation.Identity.Admin;

/// <summary>
/// What a platform admin does with identities: create people's accounts, register partner systems,
/// rotate the signing key (node agents get theirs through enrolment: <see cref="Nodes.NodeCredentialsApi"/>). Generated passwords and secrets are in the 201 answer
/// and nowhere else (stored as hashes only).
/// </summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapIdentityAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/identity").WithTags("Identity administration")
            .RequireScope(FederationScopes.IdentityAdmin, FederationRoles.PlatformAdmin)
            .LimitedAsWrite();
        api.MapPost("/accounts", CreateAccount).WithName("CreateAccount").WithSummary("Create a person's account; the generated password is shown once");
        api.MapPost("/clients", RegisterPartner).WithName("RegisterPartnerClient").WithSummary("Register a partner system (client credentials); the secret is shown once");
        app.MapGet("/api/identity/me", Me).WithTags("Identity").RequireCaller().WithName("WhoAmI")
            .WithSummary("What the presented token says about its holder: subject, role, scopes, bindings");
        api.MapPost("/signing-keys/rotate", Rotate).WithName("RotateSigningKey").WithSummary("Sign new tokens with a fresh key; older keys keep verifying");
        return app;
    }

    private static async Task<Results<Created<CreatedAccount>, ValidationProblem, ProblemHttpResult>> CreateAccount(
        CreateAccountRequest body, AccountStore accounts, EventStamp stamp, CancellationToken cancellationToken)
    {
        var errors = body.Validate();
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, type: ProblemTypes.Validation, title: "The account is not valid");
        var created = await accounts.Create(body.UserName!, body.DisplayName?.Trim() is { Length: > 0 } d ? d : body.UserName!, body.Role!,
            body.DataHolders ?? [], body.Node, stamp, cancellationToken);
        if (created is not { } c)
            return Conflict($"The user name '{body.UserName}' is taken.");
        return TypedResults.Created($"/api/identity/accounts/{c.Account.Id}",
            new CreatedAccount(c.Account.Id, c.Account.UserName, c.Account.Role, c.Account.DataHolders, c.Account.Node, c.Password));
    }

    private static Task<Results<Created<CreatedClient>, ValidationProblem, ProblemHttpResult>> RegisterPartner(
        RegisterPartnerRequest body, ClientRegistry clients, EventStamp stamp, CancellationToken cancellationToken)
    {
        var errors = body.Validate();
        return errors.Count > 0
            ? Task.FromResult<Results<Created<CreatedClient>, ValidationProblem, ProblemHttpResult>>(Invalid(errors))
            : Register(clients, body.ClientId!, body.DisplayName!.Trim(), ClientKind.Partner, node: null, stamp, cancellationToken);
    }

    private static async Task<Results<Created<CreatedClient>, ValidationProblem, ProblemHttpResult>> Register(
        ClientRegistry clients, string clientId, string displayName, ClientKind kind, string? node, EventStamp stamp, CancellationToken cancellationToken)
    {
        if (await clients.Exists(clientId, cancellationToken))
            return Conflict($"The client '{clientId}' is already registered.");
        var scopes = FederationRoles.ScopesOf(kind.Role);
        var secret = await clients.Register(clientId, displayName, kind, node, scopes, stamp, cancellationToken);
        return TypedResults.Created($"/api/identity/clients/{clientId}", new CreatedClient(clientId, secret, kind.Name, node, scopes));
    }

    private static async Task<Ok<RotatedKey>> Rotate(KeyRing keys, CancellationToken cancellationToken) =>
        TypedResults.Ok(new RotatedKey(await keys.Rotate(cancellationToken)));

    private static Ok<CallerView> Me(System.Security.Claims.ClaimsPrincipal user) => TypedResults.Ok(new CallerView(
        user.FindFirst(FederationClaims.Subject)?.Value ?? "",
        user.FindFirst(FederationClaims.Role)?.Value,
        user.FindAll(FederationClaims.Scope).SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList(),
        [.. user.DataHolders()],
        user.NodeOf(),
        user.FindFirst(FederationClaims.ClientId)?.Value));

    private static ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, type: ProblemTypes.Validation, title: "The client is not valid");

    private static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: 409, type: ProblemTypes.Conflict, title: "Already exists", detail: detail);
}
