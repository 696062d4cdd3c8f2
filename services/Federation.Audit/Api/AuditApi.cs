using Federation.Audit.Chain;
using Federation.Audit.Checkpoints;
using Federation.Audit.Data;
using Federation.Audit.Domain;
using Federation.Audit.Query;
using Federation.Audit.Retention;
using System.Security.Claims;
using Federation.ServiceDefaults.Http;
using Federation.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Federation.ServiceDefaults.Persistence;

namespace Federation.Audit.Api;

public static class AuditApi
{
    private const int VerifyPage = 1000;

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/audit").WithTags("Audit");
        var auditors = api.MapGroup("").RequireScope(FederationScopes.Audit, FederationRoles.Auditor, FederationRoles.PlatformAdmin);
        // Everyone with the audit scope, each seeing what AuditRights.Visible allows: auditors and admins all, DAC members
        // their holders' entries, researchers their own trail.
        api.MapGet("/events", ListEvents)
            .RequireScope(FederationScopes.Audit, FederationRoles.Auditor, FederationRoles.PlatformAdmin, FederationRoles.DacMember, FederationRoles.Researcher)
            .WithName("ListAuditEvents").WithSummary("Page through recorded events in recording order, filtered, as far as the caller may see them");
        auditors.MapGet("/fhir/AuditEvent", AuditFhirApi.Export).WithName("ExportFhirAuditEvents")
            .WithSummary("The same entries as FHIR R4 AuditEvent resources in a searchset Bundle (application/fhir+json)")
            .Produces(StatusCodes.Status200OK, contentType: AuditFhirApi.ContentType);
        api.MapGet("/datasets/{datasetId}/processing-report", ProcessingReportApi.Report)
            .RequireScope(FederationScopes.Audit, FederationRoles.Auditor, FederationRoles.PlatformAdmin, FederationRoles.DacMember)
            .WithName("DatasetProcessingReport")
            .WithSummary("A GDPR Art. 30-style record of processing for one dataset, derived from the trail: purposes, recipients, tasks, periods");
        auditors.MapGet("/checkpoints", ListCheckpoints).WithName("ListAuditCheckpoints")
            .WithSummary("Page through sealed checkpoints (signed Merkle roots over the chain)");
        auditors.MapGet("/verify", Verify).WithName("VerifyAuditChain")
            .WithSummary("Re-verify a range of the chain from stored content: hashes, links, checkpoints and their signatures");
        auditors.MapGet("/nodes/{node}/cross-check", NodeCrossCheckApi.Check).WithName("CrossCheckNodeAudit")
            .WithSummary("Cross-check a node's own audit chain (its signed checkpoints) against the task parts the trail recorded from it");
        // Anonymous like any JWKS, and outside the OpenAPI document, whose every operation demands a token.
        api.MapGet("/keys", Keys).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// The trail as the caller may see it (<see cref="AuditRights.Visible"/>), filtered, in chain order with a cursor.
    /// </summary>
    private static async Task<Results<Ok<AuditPage>, ValidationProblem>> ListEvents(
        AuditDbContext db, ClaimsPrincipal user, [AsParameters] AuditFilter filter, CancellationToken cancellationToken)
    {
        if (filter.Problem() is var (field, message))
            return Invalid(field, message);
        var take = filter.Take;
        var entries = await filter.Apply(db, AuditRights.Visible(db, user)).OrderBy(e => e.Sequence).Take(take).ToListAsync(cancellationToken);
        var next = entries.Count == take ? entries[^1].Sequence : (long?)null;
        return TypedResults.Ok(new AuditPage(entries.Select(AuditEventView.Of).ToList(), next));
    }

    /// <param name="after">Cursor: checkpoints numbered after this one (the previous page's <c>next</c>).</param>
    private static async Task<Results<Ok<CheckpointPage>, ValidationProblem>> ListCheckpoints(
        AuditDbContext db, long? after, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 1000)
            return Invalid("limit", "limit must be between 1 and 1000.");
        if (after is < 0)
            return Invalid("after", "after must not be negative.");
        var take = limit ?? 100;
        var checkpoints = await db.Checkpoints.AsNoTracking().Where(c => c.Number > (after ?? 0)).OrderBy(c => c.Number).Take(take)
            .ToListAsync(cancellationToken);
        var next = checkpoints.Count == take ? checkpoints[^1].Number : (long?)null;
        return TypedResults.Ok(new CheckpointPage(checkpoints.Select(CheckpointView.Of).ToList(), next));
    }

    /// <param name="from">First sequence to verify (default 1).</param>
    /// <param name="to">Last sequence to verify (default: the chain's end, or as far as one call may go; see <c>next</c>).</param>
    private static async Task<Results<Ok<VerificationReport>, ValidationProblem>> Verify(
        AuditDbContext db, AuditKeys keys, IOptions<AuditOptions> options, long? from, long? to, CancellationToken cancellationToken)
    {
        var max = options.Value.VerifyMaxEntries;
        if (from is < 1)
            return Invalid("from", "from must be at least 1.");
        // After pruning (retention) the chain starts later; the default range starts there.
        var firstKept = await db.Entries.MinAsync(e => (long?)e.Sequence, cancellationToken) ?? 1;
        var start = from ?? firstKept;
        if (start < firstKept)
            return Invalid("from", $"Entries before {firstKept} were pruned under the retention period (their checkpoints remain): verify from {firstKept}.");
        if (to is { } requested && requested < start)
            return Invalid("to", "to must not be less than from.");
        if (to is { } end && end - start + 1 > max)
            return Invalid("to", $"At most {max} entries are verified per call: verify [{start}, {start + max - 1}] first and continue from there.");

        var head = await db.ChainHeads.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        if (start > 1 && start > (head?.Sequence ?? 0))
            return Invalid("from", $"The chain ends at entry {head?.Sequence ?? 0}: from must not be after it.");
        var last = Math.Min(to ?? long.MaxValue, Math.Min(head?.Sequence ?? 0, start + max - 1));
        long? next = to is null && last < (head?.Sequence ?? 0) ? last + 1 : null;

        var publicKeys = await keys.Public(cancellationToken);
        string? anchor;
        BrokenLink? anchorProblem = null;
        if (start == 1)
            anchor = EntryHash.Genesis;
        else if (start == firstKept)
            (anchor, anchorProblem) = await RetentionAnchor.Of(db, firstKept, publicKeys, cancellationToken);
        else
            anchor = await db.Entries.AsNoTracking().Where(e => e.Sequence == start - 1).Select(e => e.Hash).SingleOrDefaultAsync(cancellationToken);
        var verifier = new ChainVerifier(start, anchor ?? "");
        if (anchorProblem is not null)
            verifier.Fail(anchorProblem);
        else if (anchor is null)
            verifier.Fail(new BrokenLink(start - 1, $"entry {start - 1}, on which the range rests, is missing"));
        if (head is null && await db.Entries.AnyAsync(cancellationToken))
            verifier.Fail(new BrokenLink(1, "the chain head is missing"));
        if (last < start)
            return TypedResults.Ok(VerificationReport.Of(verifier, start, last, next));

        for (var page = start; page <= last; page += VerifyPage)
        {
            var pageEnd = Math.Min(last, page + VerifyPage - 1);
            verifier.Feed(await db.Entries.AsNoTracking().Where(e => e.Sequence >= page && e.Sequence <= pageEnd).OrderBy(e => e.Sequence)
                .ToListAsync(cancellationToken));
        }
        verifier.End(last);
        if (head is not null && last == head.Sequence
            && await db.Entries.AsNoTracking().Where(e => e.Sequence == last).Select(e => e.Hash).SingleOrDefaultAsync(cancellationToken) is { } final
            && final != head.Hash)
            verifier.Fail(new BrokenLink(last, "the chain head does not end at this entry's hash"));

        var overlapping = await db.Checkpoints.AsNoTracking().Where(c => c.FromSequence <= last && c.ToSequence >= start).OrderBy(c => c.Number)
            .ToListAsync(cancellationToken);
        foreach (var checkpoint in overlapping)
        {
            var leaves = await db.Entries.AsNoTracking().Where(e => e.Sequence >= checkpoint.FromSequence && e.Sequence <= checkpoint.ToSequence)
                .OrderBy(e => e.Sequence).Select(e => new { e.Sequence, e.Hash }).ToListAsync(cancellationToken);
            verifier.CheckCheckpoint(checkpoint, leaves.Select(l => (l.Sequence, l.Hash)).ToList(), publicKeys);
        }
        return TypedResults.Ok(VerificationReport.Of(verifier, start, last, next));
    }

    private static async Task<IResult> Keys(HttpContext http, AuditKeys keys, CancellationToken cancellationToken)
    {
        var all = await keys.Public(cancellationToken);
        http.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Ok(new { keys = all.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => CheckpointSignature.PublicJwk(k.Key, k.Value)).ToList() });
    }

    internal static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, type: ProblemTypes.Validation);
}

public sealed record AuditPage(IReadOnlyList<AuditEventView> Items, long? Next);

/// <summary>
/// One entry as the API shows it: the envelope, then its context (README, "Who, what, why, where, when, outcome"), the
/// event itself, and its place in the chain. <see cref="Format"/> 1 entries were recorded before the context was hashed:
/// theirs is derived from the payload when read.
/// </summary>
public sealed record AuditEventView(
    long Sequence,
    Guid EventId,
    string EventType,
    string AggregateId,
    long AggregateVersion,
    string Actor,
    string ActorKind,
    string? ActorRole,
    string? ActorClient,
    string Service,
    string? Node,
    string? Purpose,
    IReadOnlyList<string> PurposeCodes,
    IReadOnlyList<string> Entitlements,
    string Outcome,
    string? OutcomeDetail,
    string? ContentHash,
    AuditResources Resources,
    Guid CorrelationId,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt,
    System.Text.Json.JsonElement Event,
    int Format,
    string PreviousHash,
    string Hash)
{
    public static AuditEventView Of(AuditEntry stored)
    {
        var e = Context.EntryContext.Read(stored);
        return new(
            e.Sequence, e.EventId, e.EventType, e.AggregateId, e.AggregateVersion, e.ActorSubject, e.ActorKind, e.ActorRole, e.ActorClient,
            e.Service, e.Node, e.Purpose, Split(e.PurposeCodes), Split(e.Entitlements), e.Outcome, e.OutcomeDetail, e.ContentHash,
            AuditResources.Of(e), e.CorrelationId, e.OccurredAt.AsUtc(), e.RecordedAt.AsUtc(),
            System.Text.Json.JsonDocument.Parse(e.Payload).RootElement.Clone(), e.Format, e.PreviousHash, e.Hash);
    }

    private static IReadOnlyList<string> Split(string? list) => list?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
}

/// <summary>What an entry is about (the ids its event names; README, "Query").</summary>
public sealed record AuditResources(
    IReadOnlyList<string> Datasets, IReadOnlyList<string> Requests, IReadOnlyList<string> Tasks, IReadOnlyList<string> Nodes,
    IReadOnlyList<string> Holders, IReadOnlyList<string> Parties)
{
    public static AuditResources Of(AuditEntry e)
    {
        var refs = EntryRefs.Of(e);
        IReadOnlyList<string> Kind(string kind) => refs.Where(r => r.Kind == kind).Select(r => r.Value).Order(StringComparer.Ordinal).ToList();
        return new(Kind(RefKinds.Dataset), Kind(RefKinds.Request), Kind(RefKinds.Task), Kind(RefKinds.Node), Kind(RefKinds.Holder), Kind(RefKinds.Party));
    }
}

public sealed record CheckpointPage(IReadOnlyList<CheckpointView> Items, long? Next);

public sealed record CheckpointView(
    long Number, long FromSequence, long ToSequence, string MerkleRoot, string ChainHash, DateTimeOffset SealedAt, string KeyId, string Signature)
{
    public static CheckpointView Of(AuditCheckpoint c) => new(c.Number, c.FromSequence, c.ToSequence, c.MerkleRoot, c.ChainHash,
        c.SealedAt.AsUtc(), c.KeyId, c.Signature);
}

/// <summary>The answer of <c>/api/audit/verify</c>: what was checked, and the first entry where the stored trail breaks.</summary>
public sealed record VerificationReport(bool Verified, long From, long To, long Entries, int Checkpoints, BrokenLink? FirstBroken, long? Next)
{
    public static VerificationReport Of(ChainVerifier verifier, long from, long to, long? next) =>
        new(verifier.FirstBroken is null, from, to, verifier.Entries, verifier.Checkpoints, verifier.FirstBroken, next);
}
