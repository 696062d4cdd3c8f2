using System.Security.Claims;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Http;
using Federation.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Federation.Identity.Nodes;

/// <summary>
/// Where a hospital collects its approved node's credentials: the node operator who asked for the enrolment
/// (or a platform admin), once. Before approval, after collection or after revocation the answer is a 409.
/// </summary>
public static class NodeCredentialsApi
{
    public static IEndpointRouteBuilder MapNodeCredentialsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/identity/nodes/{node}/credentials", Collect).WithTags("Identity administration").WithName("CollectNodeCredentials")
            .WithSummary("Collect an approved node's client id and secret (also its broker user's password), shown once")
            .RequireScope(FederationScopes.Node, FederationRoles.NodeOperator, FederationRoles.PlatformAdmin).LimitedAsWrite();
        return app;
    }

    private static async Task<Results<Created<NodeCredentials>, ProblemHttpResult>> Collect(
        string node, NodeCredentialIssuer issuer, ClaimsPrincipal user, EventStamp stamp, CancellationToken cancellationToken)
    {
        var isAdmin = user.FindFirst(FederationClaims.Role)?.Value == FederationRoles.PlatformAdmin;
        var credentials = await issuer.Collect(node, stamp.Actor.Subject, isAdmin, stamp, cancellationToken);
        return credentials is null
            ? TypedResults.Problem(statusCode: 404, type: ProblemTypes.NotFound, title: "No approved enrolment",
                detail: $"There is no approved enrolment of node '{node}' that you asked for. Ask to enrol it (POST /api/nodes) and wait for a platform admin's approval.")
            : TypedResults.Created($"/api/nodes/{node}", credentials);
    }
}
