using Federation.AccessRequests.Data;
using Federation.AccessRequests.Domain;
using Federation.ServiceDefaults.Events;

namespace Federation.AccessRequests.Entitlements;

/// <summary>Turns an approved dataset into an entitlement, in the same transaction as the approval.</summary>
public static class EntitlementGrants
{
    /// <summary>
    /// Starts at the project start (or now), ends at the project end or after the holder's entitlement
    /// duration, whichever comes first. A dataset whose entitlement is already in force is made available.
    /// </summary>
    public static Entitlement Grant(AccessDbContext db, AccessRequest request, ApprovedDataset approved, ReviewPolicy policy, DateTimeOffset now, EventStamp stamp)
    {
        var start = request.ProjectStart is { } projectStart && Midnight(projectStart) > now ? Midnight(projectStart) : now;
        var end = start + policy.EntitlementDuration;
        if (request.ProjectEnd is { } projectEnd && Midnight(projectEnd.AddDays(1)) is var projectOver && projectOver > start && projectOver < end)
            end = projectOver;
        var (entitlement, granted) = Entitlement.Grant(request.Id, request.Applicant, approved.DatasetId, approved.DataHolder, approved.Conditions, now, start, end, stamp);
        db.Entitlements.Add(entitlement);
        db.Publish(granted);
        if (entitlement.InForceAt(now))
            request.MarkAvailable(approved.DatasetId);
        return entitlement;
    }

    private static DateTimeOffset Midnight(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
