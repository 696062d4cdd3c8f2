using Federation.AccessRequests.Data;
using Federation.AccessRequests.Entitlements;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.AccessRequests.Visas;

/// <summary>A researcher's GA4GH Passport (one visa per entitlement in force) and the public keys that verify it.</summary>
public static class PassportApi
{
    public static IEndpointRouteBuilder MapPassportApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/entitlements").WithTags("Entitlements");
        api.MapGet("/passport", Passport).WithName("GetMyPassport")
            .WithSummary("The caller's GA4GH Passport: a ControlledAccessGrants visa for each entitlement in force")
            .RequireScope(FederationScopes.Access, FederationRoles.Researcher);
        // Anonymous like any JWKS, and outside the OpenAPI document, whose every operation demands a token.
        api.MapGet("/visa-keys", Keys).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    public sealed record PassportView(IReadOnlyList<string> ga4gh_passport_v1);

    private static async Task<Ok<PassportView>> Passport(
        HttpContext http, AccessDbContext db, EventStamp stamp, VisaSigner signer, IConfiguration configuration,
        [FromKeyedServices(AccessRequestsModule.ClockKey)] TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var mine = await db.Entitlements.AsNoTracking()
            .Where(e => e.Subject == stamp.Actor.Subject && e.State == EntitlementState.Active)
            .ToListAsync(cancellationToken);
        var issuer = configuration["Federation:Access:VisaIssuer"] ?? $"{http.Request.Scheme}://{http.Request.Host}/api/entitlements";
        var keysUrl = configuration["Federation:Access:VisaKeysUrl"] ?? $"{issuer.TrimEnd('/')}/visa-keys";
        var visas = mine.Where(e => e.InForceAt(now)).OrderBy(e => e.DatasetId, StringComparer.Ordinal)
            .Select(e => signer.Sign(e, issuer, keysUrl, now)).ToList();
        return TypedResults.Ok(new PassportView(visas));
    }

    private static IResult Keys(HttpContext http, VisaSigner signer)
    {
        http.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Ok(new { keys = signer.PublicKeys() });
    }
}
