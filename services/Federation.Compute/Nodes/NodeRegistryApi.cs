using System.Security.Claims;
using Federation.Compute.Data;
using Federation.Contracts.Compute;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Http;
using Federation.ServiceDefaults.Persistence;
using Federation.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Federation.Compute.Nodes;

/// <summary>
/// The node registry: a hospital's node operator asks to enrol the node they operate; a platform admin approves,
/// declines or revokes. Everyone signed in sees the approved nodes (where their tasks may run); pending and
/// declined ones only their operator and the admins. Credentials are collected from the identity role once approved.
/// </summary>
public static class NodeRegistryApi
{
    public sealed record NodeView(
        string Node, string Country, string Institution, string DataHolder, string Tier, NodeCapabilities DeclaredCapabilities,
        string Status, DateTimeOffset RequestedAt, DateTimeOffset? DecidedAt, string? Reason,
        string Liveness, DateTimeOffset? LastHeartbeatAt, NodeCapabilities? ReportedCapabilities, int QueueLength, long IndexedInstances,
        string? AgentVersion, long Version, string? RequestedBy, string? LastRefusal, DateTimeOffset? LastRefusalAt)
    {
        /// <summary><paramref name="full"/>: for the node's operator and admins, who may also see who asked and what was refused.</summary>
        public static NodeView Of(RegisteredNode n, bool full) => new(
            n.Name, n.Country, n.Institution, n.DataHolder, n.Tier, n.DeclaredCapabilities, n.Status, n.RequestedAt.AsUtc(), n.DecidedAt.AsUtc(), n.Reason,
            n.Liveness, n.LastHeartbeatAt.AsUtc(), n.ReportedCapabilities, n.QueueLength, n.IndexedInstances, n.AgentVersion, n.Version,
            full ? n.RequestedBy : null, full ? n.LastRefusal : null, full ? n.LastRefusalAt.AsUtc() : null);
    }

    public sealed record NodeList(IReadOnlyList<NodeView> Items);

    public static IEndpointRouteBuilder MapNodeRegistryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/nodes").WithTags("Node registry");
        api.MapPost("/", Ask).WithName("AskToEnrolNode")
            .WithSummary("Ask for the node you operate to join: country, institution, data holder, tier and capabilities; a platform admin decides")
            .RequireScope(FederationScopes.Node, FederationRoles.NodeOperator, FederationRoles.PlatformAdmin).LimitedAsWrite();
        api.MapGet("/", List).WithName("ListNodes").WithSummary("Enrolled nodes with their liveness and capabilities (admins and a node's operator also see pending ones)")
            .RequireCaller();
        api.MapGet("/{node}", Get).WithName("GetNode").WithSummary("One node's enrolment, liveness and capabilities").RequireCaller();
        api.MapPost("/{node}/approve", Approve).WithName("ApproveNode")
            .WithSummary("Approve a pending node: its operator may then collect its credentials from the identity role, once")
            .RequireScope(FederationScopes.Compute, FederationRoles.PlatformAdmin).LimitedAsWrite();
        api.MapPost("/{node}/decline", Decline).WithName("DeclineNode").WithSummary("Decline a pending node, with a reason; it may ask again")
            .RequireScope(FederationScopes.Compute, FederationRoles.PlatformAdmin).LimitedAsWrite();
        api.MapPost("/{node}/revoke", Revoke).WithName("RevokeNode")
            .WithSummary("Revoke an approved node, with a reason: its credentials and broker user are removed and its heartbeats refused. Final")
            .RequireScope(FederationScopes.Compute, FederationRoles.PlatformAdmin).LimitedAsWrite();
        return app;
    }

    private static bool IsAdmin(ClaimsPrincipal user) => user.FindFirst(FederationClaims.Role)?.Value == FederationRoles.PlatformAdmin;

    private static bool SeesAll(ClaimsPrincipal user, RegisteredNode node) =>
        IsAdmin(user) || (user.FindFirst(FederationClaims.Role)?.Value == FederationRoles.NodeOperator && user.NodeOf() == node.Name);

    private static bool Sees(ClaimsPrincipal user, RegisteredNode node) => node.Status == NodeStatuses.Approved || SeesAll(user, node);

    private static async Task<Results<Created<NodeView>, ValidationProblem, ProblemHttpResult>> Ask(
        JoinRequest body, GroupCommit<ComputeDbContext> store, EventStamp stamp, ClaimsPrincipal user)
    {
        var errors = body.Validate();
        if (errors.Count > 0)
            return Invalid(errors, "The enrolment request is not valid");
        if (!IsAdmin(user) && user.NodeOf() != body.Node)
            return TypedResults.Problem(statusCode: 403, type: ProblemTypes.Forbidden, title: "Not your node",
                detail: $"You operate node '{user.NodeOf()}': you can ask to enrol only that node.");
        var node = await store.Write(async (db, ct) =>
        {
            var node = await db.Nodes.FindAsync([body.Node], ct);
            if (node is null)
                db.Nodes.Add(node = new RegisteredNode { Name = body.Node! });
            var asked = NodeEnrolment.Ask(node, body.ToProfile(), stamp.Actor.Subject, stamp.Now);
            db.Publish(stamp.Stamp(asked, node.Name, node.Version));
            return node;
        });
        return TypedResults.Created($"/api/nodes/{node.Name}", NodeView.Of(node, full: true));
    }

    private static async Task<Ok<NodeList>> List(ComputeDbContext db, ClaimsPrincipal user, string? status, string? liveness, CancellationToken cancellationToken)
    {
        var query = db.Nodes.AsNoTracking();
        if (status is not null)
            query = query.Where(n => n.Status == status);
        if (liveness is not null)
            query = query.Where(n => n.Liveness == liveness);
        var nodes = await query.OrderBy(n => n.Name).ToListAsync(cancellationToken);
        return TypedResults.Ok(new NodeList(nodes.Where(n => Sees(user, n)).Select(n => NodeView.Of(n, SeesAll(user, n))).ToList()));
    }

    private static async Task<Results<Ok<NodeView>, ProblemHttpResult>> Get(string node, ComputeDbContext db, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var found = await db.Nodes.AsNoTracking().FirstOrDefaultAsync(n => n.Name == node, cancellationToken);
        return found is not null && Sees(user, found) ? TypedResults.Ok(NodeView.Of(found, SeesAll(user, found))) : NotFound(node);
    }

    private static Task<Results<Ok<NodeView>, ValidationProblem, ProblemHttpResult>> Approve(
        string node, ComputeDbContext db, GroupCommit<ComputeDbContext> store, EventStamp stamp) =>
        Decide(node, new DecisionBody(null), required: false, db, store, stamp, (n, _) => NodeEnrolment.Approve(n, stamp.Actor.Subject, stamp.Now));

    private static Task<Results<Ok<NodeView>, ValidationProblem, ProblemHttpResult>> Decline(
        string node, DecisionBody body, ComputeDbContext db, GroupCommit<ComputeDbContext> store, EventStamp stamp) =>
        Decide(node, body, required: true, db, store, stamp, (n, reason) => NodeEnrolment.Decline(n, stamp.Actor.Subject, reason!, stamp.Now));

    private static Task<Results<Ok<NodeView>, ValidationProblem, ProblemHttpResult>> Revoke(
        string node, DecisionBody body, ComputeDbContext db, GroupCommit<ComputeDbContext> store, EventStamp stamp) =>
        Decide(node, body, required: true, db, store, stamp, (n, reason) => NodeEnrolment.Revoke(n, stamp.Actor.Subject, reason!, stamp.Now));

    private static async Task<Results<Ok<NodeView>, ValidationProblem, ProblemHttpResult>> Decide(
        string name, DecisionBody body, bool required, ComputeDbContext db, GroupCommit<ComputeDbContext> store, EventStamp stamp,
        Func<RegisteredNode, string?, Contracts.FederationEvent> decide)
    {
        if (!await db.Nodes.AnyAsync(n => n.Name == name))
            return NotFound(name); // an unknown node first: the body's problems matter only for a real one
        var errors = body.Validate(required);
        if (errors.Count > 0)
            return Invalid(errors, "The decision is not valid");
        var node = await store.Write(async (db, ct) =>
        {
            var node = await db.Nodes.FindAsync([name], ct);
            if (node is null)
                return null;
            db.Publish(stamp.Stamp(decide(node, body.Reason?.Trim()), node.Name, node.Version));
            return node;
        });
        return node is null ? NotFound(name) : TypedResults.Ok(NodeView.Of(node, full: true));
    }

    private static ValidationProblem Invalid(Dictionary<string, string[]> errors, string title) =>
        TypedResults.ValidationProblem(errors, type: ProblemTypes.Validation, title: title);

    private static ProblemHttpResult NotFound(string node) =>
        TypedResults.Problem(statusCode: 404, type: ProblemTypes.NotFound, title: "No such node", detail: $"There is no node '{node}' you may see.");
}
