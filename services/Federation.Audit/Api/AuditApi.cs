using Federation.Audit.Data;
using Federation.Audit.Domain;
using Federation.ServiceDefaults.Http;
using Federation.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Federation.Audit.Api;

public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        // Auditors and platform admins see the whole trail; per-holder and own-trail views arrive with the audit issue.
        var api = app.MapGroup("/api/audit").WithTags("Audit")
            .RequireScope(FederationScopes.Audit, FederationRoles.Auditor, FederationRoles.PlatformAdmin);
        api.MapGet("/events", ListEvents).WithName("ListAuditEvents").WithSummary("Page through recorded events in recording order");
        return app;
    }

    /// <param name="after">Cursor: return entries recorded after this sequence (the previous page's <c>next</c>).</param>
    private static async Task<Results<Ok<AuditPage>, ValidationProblem>> ListEvents(
        AuditDbContext db, string? aggregateId, string? eventType, Guid? correlationId, long? after, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 1000)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["limit must be between 1 and 1000."] },
                type: ProblemTypes.Validation);

        var query = db.Entries.AsNoTracking().Where(e => e.Sequence > (after ?? 0));
        if (!string.IsNullOrEmpty(aggregateId))
            query = query.Where(e => e.AggregateId == aggregateId);
        if (!string.IsNullOrEmpty(eventType))
            query = query.Where(e => e.EventType == eventType || e.EventType.EndsWith(":" + eventType));
        if (correlationId is { } correlation)
            query = query.Where(e => e.CorrelationId == correlation);

        var take = limit ?? 100;
        var entries = await query.OrderBy(e => e.Sequence).Take(take).ToListAsync(cancellationToken);
        var next = entries.Count == take ? entries[^1].Sequence : (long?)null;
        return TypedResults.Ok(new AuditPage(entries.Select(AuditEventView.Of).ToList(), next));
    }
}

public sealed record AuditPage(IReadOnlyList<AuditEventView> Items, long? Next);

public sealed record AuditEventView(
    long Sequence,
    Guid EventId,
    string EventType,
    string AggregateId,
    long AggregateVersion,
    string Actor,
    string ActorKind,
    string? ActorRole,
    Guid CorrelationId,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt,
    System.Text.Json.JsonElement Event)
{
    public static AuditEventView Of(AuditEntry e) => new(
        e.Sequence, e.EventId, e.EventType, e.AggregateId, e.AggregateVersion, e.ActorSubject, e.ActorKind, e.ActorRole, e.CorrelationId,
        DateTime.SpecifyKind(e.OccurredAt, DateTimeKind.Utc), DateTime.SpecifyKind(e.RecordedAt, DateTimeKind.Utc),
        System.Text.Json.JsonDocument.Parse(e.Payload).RootElement.Clone());
}
