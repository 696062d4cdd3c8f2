using Federation.AccessRequests.Data;
using Federation.AccessRequests.Domain;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Http;
using Federation.ServiceDefaults.Persistence;
using Federation.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Federation.AccessRequests.Api;

public static class AccessRequestsApi
{
    public static IEndpointRouteBuilder MapAccessRequestsApi(this IEndpointRouteBuilder app)
    {
        // Researchers only, for now: DAC members' review arrives with the access issue.
        var api = app.MapGroup("/api/access-requests").WithTags("Access requests")
            .RequireScope(FederationScopes.Access, FederationRoles.Researcher);
        api.MapPost("/", CreateDraft).WithName("CreateAccessRequest").WithSummary("Create a draft access request").LimitedAsWrite();
        api.MapGet("/", ListMine).WithName("ListMyAccessRequests").WithSummary("List the caller's access requests, newest first");
        api.MapGet("/{id:guid}", Get).WithName("GetAccessRequest").WithSummary("Read one of the caller's access requests");
        api.MapPost("/{id:guid}/submit", Submit).WithName("SubmitAccessRequest").WithSummary("Submit a draft for review").LimitedAsWrite();
        return app;
    }

    // Writes go through GroupCommit: concurrent requests share one transaction (see ServiceDefaults/README.md).
    private static async Task<Results<Created<AccessRequestView>, ValidationProblem>> CreateDraft(
        CreateAccessRequest body, GroupCommit<AccessDbContext> store, EventStamp stamp)
    {
        var errors = body.Validate();
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, type: ProblemTypes.Validation, title: "The access request is not valid");

        var created = await store.Write((db, _) =>
        {
            var (request, drafted) = AccessRequest.Draft(body.Title!.Trim(), body.NormalizedDatasetIds(), body.Purpose?.Trim(), stamp);
            db.AccessRequests.Add(request);
            db.Publish(drafted);
            return Task.FromResult(AccessRequestView.Of(request));
        });
        return TypedResults.Created($"/api/access-requests/{created.Id}", created);
    }

    private static async Task<Ok<AccessRequestList>> ListMine(AccessDbContext db, EventStamp stamp, int? limit, CancellationToken cancellationToken)
    {
        var take = Math.Clamp(limit ?? 50, 1, 200);
        var requests = await db.AccessRequests.AsNoTracking()
            .Where(r => r.Applicant == stamp.Actor.Subject)
            .OrderByDescending(r => r.CreatedAt)
            .Take(take)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new AccessRequestList(requests.Select(AccessRequestView.Of).ToList()));
    }

    private static async Task<Results<Ok<AccessRequestView>, ProblemHttpResult>> Get(Guid id, AccessDbContext db, EventStamp stamp, CancellationToken cancellationToken)
    {
        var request = await FindOwn(db, id, stamp, tracking: false, cancellationToken);
        return request is null ? NotFound(id) : TypedResults.Ok(AccessRequestView.Of(request));
    }

    private static async Task<Results<Ok<AccessRequestView>, ProblemHttpResult>> Submit(Guid id, GroupCommit<AccessDbContext> store, EventStamp stamp)
    {
        var submitted = await store.Write(async (db, cancellationToken) =>
        {
            var request = await FindOwn(db, id, stamp, tracking: true, cancellationToken);
            if (request is null)
                return null;
            db.Publish(request.Submit(stamp)); // an illegal transition throws InvalidTransitionException → 409
            return AccessRequestView.Of(request);
        });
        return submitted is null ? NotFound(id) : TypedResults.Ok(submitted);
    }

    // Another researcher's request answers 404, not 403, so that ids cannot be probed for existence.
    private static Task<AccessRequest?> FindOwn(AccessDbContext db, Guid id, EventStamp stamp, bool tracking, CancellationToken cancellationToken) =>
        (tracking ? db.AccessRequests : db.AccessRequests.AsNoTracking())
            .FirstOrDefaultAsync(r => r.Id == id && r.Applicant == stamp.Actor.Subject, cancellationToken);

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: 404, type: ProblemTypes.NotFound, title: "Access request not found", detail: $"No access request {id} of yours exists.");
}
