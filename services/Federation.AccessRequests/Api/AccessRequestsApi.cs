using System.Security.Claims;
using Federation.AccessRequests.Data;
using Federation.AccessRequests.Domain;
using Federation.AccessRequests.Entitlements;
using Federation.ServiceDefaults.Domain;
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

/// <summary>
/// The applicant's side and the reviewers' side of an access request. Objects a caller has no part in
/// answer 404 (not 403) so that ids cannot be probed. Writes go through GroupCommit, and the access
/// role's clock (<see cref="AccessRequestsModule.ClockKey"/>) dates every decision and deadline.
/// </summary>
public static class AccessRequestsApi
{
    private const string Researcher = FederationRoles.Researcher;
    private const string Dac = FederationRoles.DacMember;
    private const string Admin = FederationRoles.PlatformAdmin;

    public static IEndpointRouteBuilder MapAccessRequestsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/access-requests").WithTags("Access requests");
        api.MapPost("/", CreateDraft).WithName("CreateAccessRequest").WithSummary("Create a draft access request")
            .RequireScope(FederationScopes.Access, Researcher).LimitedAsWrite();
        api.MapGet("/", ListMine).WithName("ListMyAccessRequests").WithSummary("List the caller's access requests, newest first")
            .RequireScope(FederationScopes.Access, Researcher);
        api.MapGet("/review-inbox", ReviewInbox).WithName("ListReviewInbox")
            .WithSummary("Requests awaiting the caller's data holders (DAC members), or escalated ones (platform admins)")
            .RequireScope(FederationScopes.Access, Dac, Admin);
        api.MapGet("/{id:guid}", Get).WithName("GetAccessRequest")
            .WithSummary("Read a request: the applicant's view, or a reviewer's view with votes and actions")
            .RequireScope(FederationScopes.Access, Researcher, Dac, Admin);
        api.MapPut("/{id:guid}", Edit).WithName("EditAccessRequest").WithSummary("Change a draft or a request returned for changes")
            .RequireScope(FederationScopes.Access, Researcher).LimitedAsWrite();
        api.MapPost("/{id:guid}/submit", Submit).WithName("SubmitAccessRequest").WithSummary("Submit a draft (or resubmit a returned request) for review")
            .RequireScope(FederationScopes.Access, Researcher).LimitedAsWrite();
        api.MapPost("/{id:guid}/withdraw", Withdraw).WithName("WithdrawAccessRequest").WithSummary("Withdraw a request before it is decided")
            .RequireScope(FederationScopes.Access, Researcher).LimitedAsWrite();
        api.MapPost("/{id:guid}/conclude", Conclude).WithName("ConcludeAccessRequest")
            .WithSummary("Close a decided request for good; its entitlements end with it")
            .RequireScope(FederationScopes.Access, Researcher, Admin).LimitedAsWrite();
        api.MapPost("/{id:guid}/comments", AddComment).WithName("CommentOnAccessRequest").WithSummary("Comment as the applicant or a reviewer")
            .RequireScope(FederationScopes.Access, Researcher, Dac).LimitedAsWrite();
        api.MapPost("/{id:guid}/datasets/{datasetId}/accept-conditions", AcceptConditions).WithName("AcceptDatasetConditions")
            .WithSummary("Accept the conditions a data holder attached to its approval")
            .RequireScope(FederationScopes.Access, Researcher).LimitedAsWrite();
        api.MapPost("/{id:guid}/datasets/{datasetId}/votes", Vote).WithName("VoteOnDataset")
            .WithSummary("Vote approve or decline on one of your data holder's datasets (with comment, conditions, or a consent-check override)")
            .RequireScope(FederationScopes.Access, Dac).LimitedAsWrite();
        api.MapPost("/{id:guid}/return", Return).WithName("ReturnAccessRequest").WithSummary("Return the request to its applicant for changes")
            .RequireScope(FederationScopes.Access, Dac).LimitedAsWrite();
        return app;
    }

    private static async Task<Results<Created<AccessRequestView>, ValidationProblem>> CreateDraft(
        CreateAccessRequest body, GroupCommit<AccessDbContext> store, EventStamp stamp, [FromKeyedServices(AccessRequestsModule.ClockKey)] TimeProvider clock)
    {
        var errors = body.Validate();
        if (errors.Count > 0)
            return Invalid(errors, "The access request is not valid");
        var created = await store.Write((db, _) =>
        {
            var (request, drafted) = AccessRequest.Draft(body.ToContent(), stamp.On(clock));
            db.AccessRequests.Add(request);
            db.Publish(drafted);
            return Task.FromResult(AccessRequestView.Of(request));
        });
        return TypedResults.Created($"/api/access-requests/{created.Id}", created);
    }

    private static async Task<Ok<AccessRequestList>> ListMine(AccessDbContext db, EventStamp stamp, int? limit, CancellationToken cancellationToken)
    {
        var requests = await db.AccessRequests.AsNoTracking().AsSplitQuery()
            .Where(r => r.Applicant == stamp.Actor.Subject)
            .OrderByDescending(r => r.CreatedAt)
            .Take(Math.Clamp(limit ?? 50, 1, 200))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new AccessRequestList(requests.Select(AccessRequestView.Of).ToList()));
    }

    private static async Task<Ok<AccessRequestList>> ReviewInbox(AccessDbContext db, ClaimsPrincipal user, int? limit, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(user);
        var awaiting = new[] { SubRequestState.Pending, SubRequestState.UnderReview, SubRequestState.ConditionsProposed };
        var ids = caller.IsAdmin
            ? db.RequestedDatasets.Where(d => d.EscalatedAt != null && awaiting.Contains(d.State)).Select(d => d.RequestId)
            : db.RequestedDatasets.Where(d => d.DataHolder != null && caller.Holders.Contains(d.DataHolder) && awaiting.Contains(d.State)).Select(d => d.RequestId);
        var requests = await db.AccessRequests.AsNoTracking().AsSplitQuery()
            .Where(r => ids.Contains(r.Id) && (r.State == AccessRequestState.Submitted || r.State == AccessRequestState.UnderReview))
            .OrderBy(r => r.SubmittedAt)
            .Take(Math.Clamp(limit ?? 50, 1, 200))
            .ToListAsync(cancellationToken);
        var policies = await Policies(db, requests.SelectMany(r => r.Datasets).Select(d => d.DataHolder), cancellationToken);
        return TypedResults.Ok(new AccessRequestList(requests.Select(r => AccessRequestView.Of(r, caller.AsReviewer(policies))).ToList()));
    }

    private static async Task<Results<Ok<AccessRequestView>, ProblemHttpResult>> Get(Guid id, AccessDbContext db, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(user);
        var request = await db.AccessRequests.AsNoTracking().AsSplitQuery().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (request is null)
            return NotFound(id);
        if (request.Applicant == caller.Subject && user.HasClaim(FederationClaims.Role, Researcher))
            return TypedResults.Ok(AccessRequestView.Of(request));
        if (!caller.Reviews(request))
            return NotFound(id);
        var policies = await Policies(db, request.Datasets.Select(d => d.DataHolder), cancellationToken);
        return TypedResults.Ok(AccessRequestView.Of(request, caller.AsReviewer(policies)));
    }

    private static async Task<Results<Ok<AccessRequestView>, ValidationProblem, ProblemHttpResult>> Edit(
        Guid id, CreateAccessRequest body, GroupCommit<AccessDbContext> store, EventStamp stamp, [FromKeyedServices(AccessRequestsModule.ClockKey)] TimeProvider clock) =>
        Respond(id, "The access request is not valid", await store.Write<object?>(async (db, ct) =>
        {
            var request = await db.AccessRequests.FirstOrDefaultAsync(r => r.Id == id && r.Applicant == stamp.Actor.Subject, ct);
            if (request is null)
                return null; // checked before the body: outsiders learn nothing from validation messages
            if (body.Validate() is { Count: > 0 } errors)
                return errors;
            db.Publish(request.Edit(body.ToContent(), stamp.On(clock)));
            return AccessRequestView.Of(request);
        }));

    private static async Task<Results<Ok<AccessRequestView>, ValidationProblem, ProblemHttpResult>> Submit(
        Guid id, GroupCommit<AccessDbContext> store, EventStamp stamp, [FromKeyedServices(AccessRequestsModule.ClockKey)] TimeProvider clock) =>
        Respond(id, "The access request is not valid", await AsApplicant(store, id, stamp, (db, request, _) =>
        {
            db.Publish(request.Submit(stamp.On(clock))); // an illegal transition throws InvalidTransitionException → 409
            return Task.CompletedTask;
        }));

    private static async Task<Results<Ok<AccessRequestView>, ValidationProblem, ProblemHttpResult>> Withdraw(
        Guid id, GroupCommit<AccessDbContext> store, EventStamp stamp, [FromKeyedServices(AccessRequestsModule.ClockKey)] TimeProvider clock) =>
        Respond(id, "The access request is not valid", await AsApplicant(store, id, stamp, async (db, request, ct) =>
        {
            var at = stamp.On(clock);
            db.Publish(request.Withdraw(at));
            await EndEntitlementsOf(db, request, "access request withdrawn", at, ct);
        }));

    private static async Task<Results<Ok<AccessRequestView>, ValidationProblem, ProblemHttpResult>> Conclude(
        Guid id, GroupCommit<AccessDbContext> store, EventStamp stamp, ClaimsPrincipal user, [FromKeyedServices(AccessRequestsModule.ClockKey)] TimeProvider clock)
    {
        var caller = Caller.Of(user);
        var view = await store.Write(async (db, ct) =>
        {
            var request = await db.AccessRequests.FirstOrDefaultAsync(r => r.Id == id, ct);
            if (request is null || (request.Applicant != caller.Subject && !caller.IsAdmin))
                return null;
            var at = stamp.On(clock);
            db.Publish(request.Conclude(at));
            await EndEntitlementsOf(db, request, "access request concluded", at, ct);
            return AccessRequestView.Of(request);
        });
        return Respond(id, "The access request is not valid", view);
    }

    private static async Task<Results<Ok<AccessRequestView>, ValidationProblem, ProblemHttpResult>> AddComment(
        Guid id, TextBody body, GroupCommit<AccessDbContext> store, EventStamp stamp, ClaimsPrincipal user,
        [FromKeyedServices(AccessRequestsModule.ClockKey)] TimeProvider clock)
    {
        var caller = Caller.Of(user);
        return Respond(id, "The comment is not valid", await store.Write<object?>(async (db, ct) =>
        {
            var request = await db.AccessRequests.FirstOrDefaultAsync(r => r.Id == id, ct);
            var isApplicant = request?.Applicant == caller.Subject && user.HasClaim(FederationClaims.Role, Researcher);
            if (request is null || (!isApplicant && !caller.ReviewsAsMember(request)))
                return null;
            if (body.Validate() is { Count: > 0 } errors)
                return errors;
            db.Publish(request.Comment(caller.Subject, body.Text!.Trim(), stamp.On(clock)));
            return isApplicant ? AccessRequestView.Of(request) : AccessRequestView.Of(request, caller.AsReviewer(await Policies(db, request.Datasets.Select(d => d.DataHolder), ct)));
        }));
    }

    private static async Task<Results<Ok<AccessRequestView>, ValidationProblem, ProblemHttpResult>> AcceptConditions(
        Guid id, string datasetId, GroupCommit<AccessDbContext> store, EventStamp stamp, [FromKeyedServices(AccessRequestsModule.ClockKey)] TimeProvider clock) =>
        Respond(id, "The access request is not valid", await AsApplicant(store, id, stamp, async (db, request, ct) =>
        {
            if (request.Find(datasetId) is null)
                throw new KeyNotFoundException();
            var at = stamp.On(clock);
            var (accepted, approved) = request.AcceptConditions(datasetId, clock.GetUtcNow(), at);
            db.Publish(accepted);
            var policy = await PolicyOf(db, approved.DataHolder, ct);
            EntitlementGrants.Grant(db, request, approved, policy, clock.GetUtcNow(), at);
        }));

    private static async Task<Results<Ok<AccessRequestView>, ValidationProblem, ProblemHttpResult>> Vote(
        Guid id, string datasetId, VoteBody body, GroupCommit<AccessDbContext> store, EventStamp stamp, ClaimsPrincipal user,
        [FromKeyedServices(AccessRequestsModule.ClockKey)] TimeProvider clock)
    {
        var caller = Caller.Of(user);
        return Respond(id, "The vote is not valid", await store.Write<object?>(async (db, ct) =>
        {
            var request = await db.AccessRequests.FirstOrDefaultAsync(r => r.Id == id, ct);
            var holder = request?.Find(datasetId)?.DataHolder;
            if (request is null || holder is null || !caller.Holders.Contains(holder))
                return null; // checked before the body: outsiders learn nothing from validation messages
            if (body.Validate() is { Count: > 0 } errors)
                return errors;
            var policy = await PolicyOf(db, holder, ct);
            if (!policy.MayVote(caller.Subject))
                throw new ConflictException("Not a voting member",
                    $"{holder}'s review policy names the members who vote on its datasets; you are not one of them.");
            var at = stamp.On(clock);
            var now = clock.GetUtcNow();
            var (recorded, approved) = request.Vote(datasetId, caller.Subject, body.Decision == "approve", Trimmed(body.Comment), Trimmed(body.Conditions),
                Trimmed(body.OverrideReason), policy, now, at);
            db.Publish(recorded);
            if (approved is not null)
                EntitlementGrants.Grant(db, request, approved, policy, now, at);
            var policies = await Policies(db, request.Datasets.Select(d => d.DataHolder), ct);
            return AccessRequestView.Of(request, caller.AsReviewer(policies));
        }));
    }

    private static async Task<Results<Ok<AccessRequestView>, ValidationProblem, ProblemHttpResult>> Return(
        Guid id, TextBody body, GroupCommit<AccessDbContext> store, EventStamp stamp, ClaimsPrincipal user,
        [FromKeyedServices(AccessRequestsModule.ClockKey)] TimeProvider clock)
    {
        var caller = Caller.Of(user);
        return Respond(id, "The return is not valid", await store.Write<object?>(async (db, ct) =>
        {
            var request = await db.AccessRequests.FirstOrDefaultAsync(r => r.Id == id, ct);
            if (request is null || !caller.ReviewsAsMember(request))
                return null;
            if (body.Validate() is { Count: > 0 } errors)
                return errors;
            var holder = request.Datasets.Select(d => d.DataHolder).First(h => h is not null && caller.Holders.Contains(h))!;
            db.Publish(request.Return(holder, body.Text!.Trim(), stamp.On(clock)));
            var policies = await Policies(db, request.Datasets.Select(d => d.DataHolder), ct);
            return AccessRequestView.Of(request, caller.AsReviewer(policies));
        }));
    }

    /// <summary>Ends the request's entitlements still in force, one event each, with the request's own change.</summary>
    private static async Task EndEntitlementsOf(AccessDbContext db, AccessRequest request, string reason, EventStamp stamp, CancellationToken cancellationToken)
    {
        var active = await db.Entitlements.Where(e => e.RequestId == request.Id && e.State == EntitlementState.Active).ToListAsync(cancellationToken);
        foreach (var entitlement in active)
            db.Publish(entitlement.Revoke(reason, stamp.Now, stamp));
    }

    private static async Task<AccessRequestView?> AsApplicant(
        GroupCommit<AccessDbContext> store, Guid id, EventStamp stamp, Func<AccessDbContext, AccessRequest, CancellationToken, Task> change)
    {
        try
        {
            return await store.Write(async (db, ct) =>
            {
                var request = await db.AccessRequests.FirstOrDefaultAsync(r => r.Id == id && r.Applicant == stamp.Actor.Subject, ct);
                if (request is null)
                    return null;
                await change(db, request, ct);
                return AccessRequestView.Of(request);
            });
        }
        catch (KeyNotFoundException)
        {
            return null; // a dataset the request does not name: as unknown as a request that is not yours
        }
    }

    internal static async Task<ReviewPolicy> PolicyOf(AccessDbContext db, string holder, CancellationToken cancellationToken) =>
        await db.ReviewPolicies.FindAsync([holder], cancellationToken) ?? ReviewPolicy.Default(holder);

    internal static async Task<Func<string, ReviewPolicy>> Policies(AccessDbContext db, IEnumerable<string?> holders, CancellationToken cancellationToken)
    {
        var wanted = holders.OfType<string>().Distinct().ToList();
        var stored = await db.ReviewPolicies.AsNoTracking().Where(p => wanted.Contains(p.DataHolder)).ToDictionaryAsync(p => p.DataHolder, cancellationToken);
        return holder => stored.GetValueOrDefault(holder) ?? ReviewPolicy.Default(holder);
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>A unit's outcome: null (not found, or not the caller's), validation errors (titled <paramref name="invalidTitle"/>), or the changed request.</summary>
    private static Results<Ok<AccessRequestView>, ValidationProblem, ProblemHttpResult> Respond(Guid id, string invalidTitle, object? outcome) => outcome switch
    {
        null => NotFound(id),
        Dictionary<string, string[]> errors => Invalid(errors, invalidTitle),
        _ => TypedResults.Ok((AccessRequestView)outcome),
    };

    internal static ValidationProblem Invalid(Dictionary<string, string[]> errors, string title) =>
        TypedResults.ValidationProblem(errors, type: ProblemTypes.Validation, title: title);

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: 404, type: ProblemTypes.NotFound, title: "Access request not found", detail: $"No access request {id} of yours exists.");
}

/// <summary>The caller as the access role sees them: subject, whether platform admin, the data holders they review for.</summary>
internal sealed record Caller(string Subject, bool IsAdmin, IReadOnlySet<string> Holders)
{
    public static Caller Of(ClaimsPrincipal user) => new(
        user.FindFirst(FederationClaims.Subject)?.Value ?? "",
        user.HasClaim(FederationClaims.Role, FederationRoles.PlatformAdmin),
        user.HasClaim(FederationClaims.Role, FederationRoles.DacMember) ? user.DataHolders() : new HashSet<string>());

    /// <summary>A DAC member of one of the request's holders.</summary>
    public bool ReviewsAsMember(AccessRequest request) => request.Datasets.Any(d => d.DataHolder is { } h && Holders.Contains(h));

    /// <summary>May see the reviewer's view: a DAC member of one of its holders, or a platform admin once it is submitted.</summary>
    public bool Reviews(AccessRequest request) => ReviewsAsMember(request) || (IsAdmin && request.State != AccessRequestState.Draft);

    public Reviewer AsReviewer(Func<string, ReviewPolicy> policies) => new(Subject, Holders, IsAdmin, policies);
}

internal static class StampExtensions
{
    /// <summary>The caller's stamp, dated by the access role's clock (which tests may drive).</summary>
    public static EventStamp On(this EventStamp stamp, TimeProvider clock) => stamp with { Clock = clock };
}
