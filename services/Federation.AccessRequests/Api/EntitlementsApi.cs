using System.Security.Claims;
using Federation.AccessRequests.Data;
using Federation.AccessRequests.Entitlements;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Http;
using Federation.ServiceDefaults.Persistence;
using Federation.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;

namespace Federation.AccessRequests.Api;

/// <summary>Entitlements: a researcher lists their own, a DAC member their holders', a platform admin all; holders and admins revoke.</summary>
public static class EntitlementsApi
{
    public static IEndpointRouteBuilder MapEntitlementsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/entitlements").WithTags("Entitlements");
        api.MapGet("/", List).WithName("ListEntitlements").WithSummary("Entitlements the caller holds, reviews for, or (admins) all; newest first")
            .RequireScope(FederationScopes.Access, FederationRoles.Researcher, FederationRoles.DacMember, FederationRoles.PlatformAdmin);
        api.MapPost("/{id:guid}/revoke", Revoke).WithName("RevokeEntitlement").WithSummary("End an entitlement now, with a reason")
            .RequireScope(FederationScopes.Access, FederationRoles.DacMember, FederationRoles.PlatformAdmin).LimitedAsWrite();
        return app;
    }

    private static async Task<Ok<EntitlementList>> List(AccessDbContext db, ClaimsPrincipal user, bool? activeOnly, int? limit, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(user);
        var query = db.Entitlements.AsNoTracking();
        if (!caller.IsAdmin)
            query = query.Where(e => e.Subject == caller.Subject || caller.Holders.Contains(e.DataHolder));
        if (activeOnly == true)
            query = query.Where(e => e.State == EntitlementState.Active);
        var found = await query.OrderByDescending(e => e.GrantedAt).Take(Math.Clamp(limit ?? 100, 1, 500)).ToListAsync(cancellationToken);
        return TypedResults.Ok(new EntitlementList(found.Select(EntitlementView.Of).ToList()));
    }

    private static async Task<Results<Ok<EntitlementView>, ValidationProblem, ProblemHttpResult>> Revoke(
        Guid id, TextBody body, GroupCommit<AccessDbContext> store, EventStamp stamp, ClaimsPrincipal user,
        [FromKeyedServices(AccessRequestsModule.ClockKey)] TimeProvider clock)
    {
        var caller = Caller.Of(user);
        var result = await store.Write<object?>(async (db, ct) =>
        {
            var entitlement = await db.Entitlements.FirstOrDefaultAsync(e => e.Id == id, ct);
            if (entitlement is null || !(caller.IsAdmin || caller.Holders.Contains(entitlement.DataHolder)))
                return null;
            var errors = body.Validate("text");
            if (errors.Count > 0)
                return errors;
            db.Publish(entitlement.Revoke(body.Text!.Trim(), clock.GetUtcNow(), stamp.On(clock)));
            return EntitlementView.Of(entitlement);
        });
        return result switch
        {
            null => TypedResults.Problem(statusCode: 404, type: ProblemTypes.NotFound, title: "Entitlement not found",
                detail: $"No entitlement {id} of your data holders exists."),
            Dictionary<string, string[]> errors => AccessRequestsApi.Invalid(errors, "The revocation is not valid"),
            _ => TypedResults.Ok((EntitlementView)result),
        };
    }
}
