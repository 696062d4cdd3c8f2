using System.Security.Claims;
using Federation.NodeAgent.Data;
using Federation.ServiceDefaults;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Http;
using Federation.ServiceDefaults.Persistence;
using Federation.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Federation.NodeAgent.Airlock;

/// <summary>
/// The node operator's side of the airlock, served by the node agent itself inside the hospital (the central node
/// never decides a release): the results waiting, shown whole, and a release or a withholding with a reason. Only
/// an operator bound to this node (the <c>node</c> claim of a token from the federation's identity role) sees or
/// decides anything; anyone else sees an empty list and is told no such result exists.
/// </summary>
public static class ReleaseApi
{
    public sealed record ReleaseView(Guid Id, string TaskId, string Dataset, int Round, string Algorithm, string Owner, string Outcome, string Detail,
        string Result, string State, DateTimeOffset HeldAt, string? DecidedBy, DateTimeOffset? DecidedAt, string? Reason)
    {
        public static ReleaseView Of(HeldRelease r) => new(r.Id, r.TaskId, r.Dataset, r.Round, r.Algorithm, r.Owner, r.PartState, r.PartReason, r.Result,
            r.State, r.HeldAt.AsUtc(), r.DecidedBy, r.DecidedAt.AsUtc(), r.Reason);
    }

    public sealed record ReleaseList(IReadOnlyList<ReleaseView> Items);

    public sealed record WithholdBody(string? Reason)
    {
        public const int MaxLength = 1000;

        public Dictionary<string, string[]> Validate() =>
            string.IsNullOrWhiteSpace(Reason) || Reason.Length > MaxLength || Reason.Any(c => char.IsControl(c) && c != '\n')
                ? new() { ["reason"] = [$"1 to {MaxLength} printable characters: the researcher reads it."] }
                : [];
    }

    public static IEndpointRouteBuilder MapReleaseApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/node/releases").WithTags("Node airlock");
        api.MapGet("/", List).WithName("ListHeldReleases").WithSummary("Results at this node's airlock: waiting (state=held, default), released or withheld")
            .RequireScope(FederationScopes.Node, FederationRoles.NodeOperator);
        api.MapPost("/{id:guid}/release", Release).WithName("ReleaseHeldResult").WithSummary("Let a waiting result leave this node as its task part's result")
            .RequireScope(FederationScopes.Node, FederationRoles.NodeOperator).LimitedAsWrite();
        api.MapPost("/{id:guid}/withhold", Withhold).WithName("WithholdHeldResult").WithSummary("Keep a waiting result at this node; the part fails with the reason")
            .RequireScope(FederationScopes.Node, FederationRoles.NodeOperator).LimitedAsWrite();
        return app;
    }

    private static async Task<Results<Ok<ReleaseList>, ValidationProblem, ProblemHttpResult>> List(
        string? state, NodeAgentDbContext db, ClaimsPrincipal user, IOptions<NodeAgentOptions> options, CancellationToken cancellationToken)
    {
        state ??= HeldReleaseStates.Held;
        if (state is not (HeldReleaseStates.Held or HeldReleaseStates.Released or HeldReleaseStates.Withheld))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["state"] = ["held, released or withheld."] }, type: ProblemTypes.Validation);
        // Like every list here, filtered by the caller's rights: another node's operator sees nothing of this node's.
        if (!Operates(user, options.Value))
            return TypedResults.Ok(new ReleaseList([]));
        var found = await db.HeldReleases.AsNoTracking().Where(r => r.State == state).OrderBy(r => r.Id).Take(200).ToListAsync(cancellationToken);
        return TypedResults.Ok(new ReleaseList(found.Select(ReleaseView.Of).ToList()));
    }

    private static Task<Results<Ok<ReleaseView>, ValidationProblem, ProblemHttpResult>> Release(
        Guid id, GroupCommit<NodeAgentDbContext> store, EventStamp stamp, ClaimsPrincipal user, IOptions<NodeAgentOptions> options) =>
        Decide(id, null, store, stamp, user, options.Value);

    private static Task<Results<Ok<ReleaseView>, ValidationProblem, ProblemHttpResult>> Withhold(
        Guid id, WithholdBody body, GroupCommit<NodeAgentDbContext> store, EventStamp stamp, ClaimsPrincipal user, IOptions<NodeAgentOptions> options) =>
        Decide(id, body, store, stamp, user, options.Value);

    /// <summary>Releases (no body) or withholds: once; a decided result answers 409 with its decision.</summary>
    private static async Task<Results<Ok<ReleaseView>, ValidationProblem, ProblemHttpResult>> Decide(
        Guid id, WithholdBody? withhold, GroupCommit<NodeAgentDbContext> store, EventStamp stamp, ClaimsPrincipal user, NodeAgentOptions node)
    {
        if (!Operates(user, node))
            return NotFound(id);
        if (withhold?.Validate() is { Count: > 0 } errors)
            return TypedResults.ValidationProblem(errors, type: ProblemTypes.Validation, title: "The decision is not valid");
        var (release, conflict) = await store.Write<(HeldRelease?, bool)>(async (db, ct) =>
        {
            var release = await db.HeldReleases.FindAsync([id], ct);
            if (release is null || release.State != HeldReleaseStates.Held)
                return (release, release is not null);
            (release.State, release.DecidedBy, release.DecidedAt, release.Reason) = withhold is null
                ? (HeldReleaseStates.Released, stamp.Actor.Subject, stamp.Now.UtcDateTime, null)
                : (HeldReleaseStates.Withheld, stamp.Actor.Subject, stamp.Now.UtcDateTime, withhold.Reason!.Trim());
            release.Version++;
            var trace = stamp with { CorrelationId = release.CorrelationId };
            if (withhold is null)
                Releases.Finish(db, trace, release.TaskId, node.NodeName, release.Dataset, release.Round, release.PartState,
                    $"{release.PartReason}; released by node {node.NodeName}'s operator", release.Result, new(release.Owner, release.Algorithm, null));
            else
                Releases.Finish(db, trace, release.TaskId, node.NodeName, release.Dataset, release.Round, "SYSTEM_ERROR",
                    $"withheld by node {node.NodeName}'s operator: {release.Reason}", null, new(release.Owner, release.Algorithm, null));
            return (release, false);
        });
        if (release is null)
            return NotFound(id);
        return conflict
            ? TypedResults.Problem(statusCode: 409, type: ProblemTypes.Conflict, title: "Already decided", detail: $"This result was {release.State} by {release.DecidedBy}.")
            : TypedResults.Ok(ReleaseView.Of(release));
    }

    private static bool Operates(ClaimsPrincipal user, NodeAgentOptions node) =>
        user.FindFirst(FederationClaims.Role)?.Value == FederationRoles.NodeOperator && user.FindFirst(FederationClaims.Node)?.Value == node.NodeName;

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: 404, type: ProblemTypes.NotFound, title: "No such result", detail: $"There is no result '{id}' waiting at this node for you.");
}
