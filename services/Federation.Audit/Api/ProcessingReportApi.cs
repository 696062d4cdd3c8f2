using System.Security.Claims;
using Federation.Audit.Data;
using Federation.Audit.Query;
using Federation.ServiceDefaults.Http;
using Federation.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Federation.Audit.Api;

/// <summary><c>GET /api/audit/datasets/{datasetId}/processing-report</c>: see <see cref="ProcessingReport"/>.</summary>
public static class ProcessingReportApi
{
    public static async Task<Results<Ok<ProcessingReport>, ProblemHttpResult>> Report(
        AuditDbContext db, ClaimsPrincipal user, TimeProvider clock, string datasetId, CancellationToken cancellationToken)
    {
        var about = await db.Entries.AsNoTracking()
            .Where(e => db.EntryRefs.Any(r => r.Kind == Domain.RefKinds.Dataset && r.Value == datasetId && r.Sequence == e.Sequence))
            .OrderBy(e => e.Sequence).ToListAsync(cancellationToken);
        if (about.Count == 0)
            return NotFound(datasetId);
        var holders = ProcessingReport.HoldersOf(datasetId, about);
        // A DAC member reads the report of their holders' datasets only; anyone else's is "not found", not "forbidden".
        if (!AuditRights.SeesAll(user) && !holders.Overlaps(user.DataHolders()))
            return NotFound(datasetId);

        var taskIds = ProcessingReport.TasksOf(about);
        var taskEntries = taskIds.Count == 0 ? []
            : await db.Entries.AsNoTracking()
                .Where(e => db.EntryRefs.Any(r => r.Kind == Domain.RefKinds.Task && taskIds.Contains(r.Value) && r.Sequence == e.Sequence))
                .OrderBy(e => e.Sequence).ToListAsync(cancellationToken);
        return TypedResults.Ok(ProcessingReport.Of(datasetId, holders, about, taskEntries, clock.GetUtcNow()));
    }

    private static ProblemHttpResult NotFound(string datasetId) =>
        TypedResults.Problem(statusCode: 404, type: ProblemTypes.NotFound, title: "No such dataset",
            detail: $"The audit trail holds no dataset '{datasetId}' you may report on.");
}
