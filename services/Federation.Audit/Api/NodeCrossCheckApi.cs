using Federation.Audit.Data;
using Federation.Audit.Nodes;
using Federation.ServiceDefaults.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Federation.Audit.Api;

/// <summary><c>GET /api/audit/nodes/{node}/cross-check</c>: see <see cref="NodeCrossCheck"/>.</summary>
public static class NodeCrossCheckApi
{
    /// <param name="graceSeconds">How old a part the node recorded must be before its absence from the trail counts (0–86400, default 600).</param>
    public static async Task<Results<Ok<NodeCrossCheckReport>, ValidationProblem, ProblemHttpResult>> Check(
        AuditDbContext db, TimeProvider clock, string node, int? graceSeconds, CancellationToken cancellationToken)
    {
        if (graceSeconds is < 0 or > 86_400)
            return AuditApi.Invalid("graceSeconds", "graceSeconds must be between 0 and 86400.");
        var report = await NodeCrossCheck.Of(db, node, TimeSpan.FromSeconds(graceSeconds ?? 600), clock.GetUtcNow(), cancellationToken);
        return report is null
            ? TypedResults.Problem(statusCode: 404, type: ProblemTypes.NotFound, title: "No such node",
                detail: $"The audit trail holds no checkpoint and no task part of node '{node}'.")
            : TypedResults.Ok(report);
    }
}
