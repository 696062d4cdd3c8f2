using System.Security.Claims;
using Federation.AccessRequests.Data;
using Federation.AccessRequests.Domain;
using Federation.Contracts.Access;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Http;
using Federation.ServiceDefaults.Persistence;
using Federation.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Federation.AccessRequests.Api;

/// <summary>Each data holder's review policy: set by its DAC members or a platform admin, read by them.</summary>
public static class ReviewPoliciesApi
{
    public static IEndpointRouteBuilder MapReviewPoliciesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/access-review/policies").WithTags("Access review");
        api.MapGet("/{holder}", Get).WithName("GetReviewPolicy").WithSummary("A data holder's review policy (the default if none is set)")
            .RequireScope(FederationScopes.Access, FederationRoles.DacMember, FederationRoles.PlatformAdmin);
        api.MapPut("/{holder}", Set).WithName("SetReviewPolicy")
            .WithSummary("Set how a data holder's committee decides (single, quorum, majority; veto), who votes, and its deadlines")
            .RequireScope(FederationScopes.Access, FederationRoles.DacMember, FederationRoles.PlatformAdmin).LimitedAsWrite();
        return app;
    }

    private static bool MayManage(ClaimsPrincipal user, string holder) => Caller.Of(user) is var caller && (caller.IsAdmin || caller.Holders.Contains(holder));

    private static async Task<Results<Ok<ReviewPolicyView>, ProblemHttpResult>> Get(string holder, AccessDbContext db, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (!MayManage(user, holder))
            return NotFound(holder);
        var stored = await db.ReviewPolicies.FindAsync([holder], cancellationToken);
        return TypedResults.Ok(ReviewPolicyView.Of(stored ?? ReviewPolicy.Default(holder), stored is null));
    }

    private static async Task<Results<Ok<ReviewPolicyView>, ValidationProblem, ProblemHttpResult>> Set(
        string holder, ReviewPolicyBody body, GroupCommit<AccessDbContext> store, EventStamp stamp, ClaimsPrincipal user)
    {
        if (!MayManage(user, holder))
            return NotFound(holder); // before the body: outsiders learn nothing from validation messages
        var errors = body.Validate();
        if (errors.Count > 0)
            return AccessRequestsApi.Invalid(errors, "The review policy is not valid");
        var saved = await store.Write(async (db, ct) =>
        {
            var policy = await db.ReviewPolicies.FindAsync([holder], ct);
            if (policy is null)
            {
                policy = ReviewPolicy.Default(holder);
                db.ReviewPolicies.Add(policy);
            }
            policy.Rule = body.ParseRule()!.Value;
            policy.Members = (body.Members ?? []).Select(m => m!.Trim()).ToList();
            policy.Quorum = body.Quorum ?? 0;
            policy.Veto = body.Veto ?? false;
            policy.RemindAfter = TimeSpan.FromDays(body.RemindAfterDays ?? 7);
            policy.EscalateAfter = TimeSpan.FromDays(body.EscalateAfterDays ?? 14);
            policy.EntitlementDuration = TimeSpan.FromDays(body.EntitlementDays ?? 365);
            policy.Version++;
            db.Publish(stamp.Stamp(new ReviewPolicySet
            {
                DataHolder = holder,
                Rule = StateNames.Wire(policy.Rule),
                Members = policy.Members,
                Quorum = policy.Quorum,
                Veto = policy.Veto,
                RemindAfter = policy.RemindAfter,
                EscalateAfter = policy.EscalateAfter,
                EntitlementDuration = policy.EntitlementDuration,
            }, holder, policy.Version));
            return ReviewPolicyView.Of(policy, isDefault: false);
        });
        return TypedResults.Ok(saved);
    }

    private static ProblemHttpResult NotFound(string holder) =>
        TypedResults.Problem(statusCode: 404, type: ProblemTypes.NotFound, title: "Data holder not found",
            detail: $"You do not review for a data holder '{(holder.Length > 40 ? holder[..40] + "…" : holder)}'.");
}
