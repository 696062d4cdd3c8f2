using System.Security.Claims;
using Federation.Audit.Data;
using Federation.Audit.Domain;
using Federation.ServiceDefaults.Security;
using Microsoft.EntityFrameworkCore;

namespace Federation.Audit.Query;

/// <summary>The filters of <c>/api/audit/events</c> and the FHIR export, bound from the query string.</summary>
public sealed class AuditFilter
{
    /// <summary>Who acted: the actor's subject (the token's <c>sub</c>, a client id, <c>system:&lt;service&gt;</c>).</summary>
    public string? Actor { get; init; }

    /// <summary>Entries naming this dataset anywhere in the event (also in request snapshots and routing plans).</summary>
    public string? Dataset { get; init; }

    /// <summary>Entries naming this access request.</summary>
    public string? Request { get; init; }

    /// <summary>Entries naming this task.</summary>
    public string? Task { get; init; }

    /// <summary>Entries naming this node.</summary>
    public string? Node { get; init; }

    /// <summary>The event type: its short name (<c>EntitlementGranted</c>) or its message URN. Same as <c>eventType</c>.</summary>
    public string? Action { get; init; }

    /// <summary>The event type (kept for earlier clients; same as <c>action</c>).</summary>
    public string? EventType { get; init; }

    public string? AggregateId { get; init; }

    public Guid? CorrelationId { get; init; }

    /// <summary>Entries that occurred at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Entries that occurred before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Cursor: entries recorded after this sequence (the previous page's <c>next</c>).</summary>
    public long? After { get; init; }

    /// <summary>Page size, 1 to 1000 (default 100).</summary>
    public int? Limit { get; init; }

    /// <summary>What is wrong with the parameters, if anything: (parameter, message).</summary>
    public (string Field, string Message)? Problem() =>
        Limit is < 1 or > 1000 ? ("limit", "limit must be between 1 and 1000.")
        : After is < 0 ? ("after", "after must not be negative.")
        : From is { } from && To is { } to && to < from ? ("to", "to must not be before from.")
        : null;

    public int Take => Limit ?? 100;

    public IQueryable<AuditEntry> Apply(AuditDbContext db, IQueryable<AuditEntry> query)
    {
        query = query.Where(e => e.Sequence > (After ?? 0));
        if (!string.IsNullOrEmpty(Actor))
            query = query.Where(e => e.ActorSubject == Actor);
        if (!string.IsNullOrEmpty(AggregateId))
            query = query.Where(e => e.AggregateId == AggregateId);
        foreach (var type in new[] { Action, EventType }.Where(t => !string.IsNullOrEmpty(t)))
            query = query.Where(e => e.EventType == type || e.EventType.EndsWith(":" + type));
        if (CorrelationId is { } correlation)
            query = query.Where(e => e.CorrelationId == correlation);
        if (From is { } from)
        {
            var start = from.UtcDateTime;
            query = query.Where(e => e.OccurredAt >= start);
        }
        if (To is { } to)
        {
            var end = to.UtcDateTime;
            query = query.Where(e => e.OccurredAt < end);
        }
        query = About(db, query, RefKinds.Dataset, Dataset);
        query = About(db, query, RefKinds.Request, Request);
        query = About(db, query, RefKinds.Task, Task);
        return About(db, query, RefKinds.Node, Node);
    }

    private static IQueryable<AuditEntry> About(AuditDbContext db, IQueryable<AuditEntry> query, string kind, string? value) =>
        string.IsNullOrEmpty(value) ? query : query.Where(e => db.EntryRefs.Any(r => r.Kind == kind && r.Value == value && r.Sequence == e.Sequence));
}

/// <summary>Who sees which entries. Others' entries are simply absent: a filter never earns a 403.</summary>
public static class AuditRights
{
    /// <summary>Auditors and platform admins: the whole trail.</summary>
    public static bool SeesAll(ClaimsPrincipal user) =>
        user.FindAll(FederationClaims.Role).Any(c => c.Value is FederationRoles.Auditor or FederationRoles.PlatformAdmin);

    /// <summary>
    /// Auditors and platform admins everything; a DAC member the entries naming one of their data holders
    /// (<c>dataHolder</c> anywhere in the event); a researcher their own trail (entries they caused, or naming them as
    /// applicant, owner, entitlement subject or account); anyone else nothing.
    /// </summary>
    public static IQueryable<AuditEntry> Visible(AuditDbContext db, ClaimsPrincipal user)
    {
        var entries = db.Entries.AsNoTracking();
        if (SeesAll(user))
            return entries;
        var roles = user.FindAll(FederationClaims.Role).Select(c => c.Value).ToHashSet();
        var subject = user.FindFirst(FederationClaims.Subject)?.Value;
        if (roles.Contains(FederationRoles.DacMember))
        {
            var holders = user.DataHolders().ToList();
            return entries.Where(e => db.EntryRefs.Any(r => r.Kind == RefKinds.Holder && holders.Contains(r.Value) && r.Sequence == e.Sequence));
        }
        if (roles.Contains(FederationRoles.Researcher) && !string.IsNullOrEmpty(subject))
            return entries.Where(e => db.EntryRefs.Any(r => r.Kind == RefKinds.Party && r.Value == subject && r.Sequence == e.Sequence));
        return entries.Where(e => false);
    }
}
