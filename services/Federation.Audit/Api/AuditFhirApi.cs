using Federation.Audit.Data;
using Federation.Audit.Query;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Federation.Audit.Api;

/// <summary><c>GET /api/audit/fhir/AuditEvent</c>: the trail (same filters and cursor as <c>/api/audit/events</c>) as FHIR R4.</summary>
public static class AuditFhirApi
{
    public const string ContentType = "application/fhir+json";
    private static readonly FhirJsonSerializer Serializer = new();

    public static async Task<Results<ContentHttpResult, ValidationProblem>> Export(
        AuditDbContext db, HttpContext http, [AsParameters] AuditFilter filter, CancellationToken cancellationToken)
    {
        if (filter.Problem() is var (field, message))
            return AuditApi.Invalid(field, message);
        var take = filter.Take;
        // Auditors and platform admins only (the route's roles), so the whole trail.
        var entries = await filter.Apply(db, db.Entries.AsNoTracking()).OrderBy(e => e.Sequence).Take(take).ToListAsync(cancellationToken);
        var next = entries.Count == take ? entries[^1].Sequence : (long?)null;
        var self = $"{http.Request.PathBase}{http.Request.Path}{http.Request.QueryString}";
        string? nextLink = null;
        if (next is { } cursor)
        {
            var query = http.Request.Query.Where(q => q.Key != "after").Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}")
                .Append($"after={cursor}");
            nextLink = $"{http.Request.PathBase}{http.Request.Path}?{string.Join('&', query)}";
        }
        var bundle = FhirAuditEvents.Bundle(entries, self, nextLink);
        return TypedResults.Text(Serializer.SerializeToString(bundle), ContentType);
    }
}
