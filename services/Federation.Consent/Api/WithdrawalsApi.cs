using System.Security.Claims;
using Federation.Consent.Data;
using Federation.Consent.Domain;
using Federation.Consent.Terms;
using Federation.Contracts.Consent;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Http;
using Federation.ServiceDefaults.Persistence;
using Federation.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Federation.Consent.Api;

/// <summary>
/// Subjects' consent withdrawals: recorded by an operator of the node that holds the dataset, read by
/// auditors, platform admins and the holder's DAC members. Append-only: a withdrawal is never reversed.
/// </summary>
public static class WithdrawalsApi
{
    public sealed record WithdrawalBody(string? SubjectId, string? Reason);

    public sealed record WithdrawalView(string DatasetId, string SubjectId, int Sequence, string Node, string? Reason, string RecordedBy, DateTimeOffset RecordedAt)
    {
        public static WithdrawalView Of(Withdrawal w) =>
            new(w.DatasetId, w.SubjectId, w.Sequence, w.Node, w.Reason, w.RecordedBy, w.RecordedAt.AsUtc());
    }

    public sealed record WithdrawalList(IReadOnlyList<WithdrawalView> Items);

    public static IEndpointRouteBuilder MapWithdrawalsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/consent/datasets/{datasetId}/withdrawals").WithTags("Consent");
        api.MapPost("/", Record).WithName("RecordConsentWithdrawal")
            .WithSummary("Record that a subject (pseudonymous id) withdrew consent for a dataset of your node; recording it again changes nothing")
            .RequireScope(FederationScopes.Node, FederationRoles.NodeOperator).LimitedAsWrite();
        api.MapGet("/", List).WithName("ListConsentWithdrawals").WithSummary("A dataset's withdrawals, oldest first")
            .RequireScope(FederationScopes.Audit, FederationRoles.Auditor, FederationRoles.DacMember, FederationRoles.PlatformAdmin);
        return app;
    }

    private static async Task<Results<Created<WithdrawalView>, Ok<WithdrawalView>, ValidationProblem, ProblemHttpResult>> Record(
        string datasetId, WithdrawalBody body, ClaimsPrincipal user, GroupCommit<ConsentDbContext> store, EventStamp stamp)
    {
        var node = user.NodeOf();
        var outcome = await store.Write<object?>(async (db, ct) =>
        {
            var location = await db.Locations.FindAsync([datasetId], ct);
            if (location is null || node is null || location.Node != node)
                return null; // before the body: outsiders learn nothing from validation messages
            var errors = new Dictionary<string, string[]>();
            if (string.IsNullOrWhiteSpace(body.SubjectId) || body.SubjectId.Trim().Length > ConsentLimits.ValueLength || body.SubjectId.Any(char.IsControl))
                errors["subjectId"] = [$"The subject's pseudonymous id as the node knows it: 1 to {ConsentLimits.ValueLength} printable characters."];
            if (body.Reason is { Length: > 1000 } || body.Reason?.Any(c => char.IsControl(c) && c != '\n') == true)
                errors["reason"] = ["At most 1000 printable characters."];
            if (errors.Count > 0)
                return errors;

            var subject = body.SubjectId!.Trim();
            if (await db.Withdrawals.FindAsync([datasetId, subject], ct) is { } existing)
                return (existing, false);
            var sequence = (await db.Withdrawals.Where(w => w.DatasetId == datasetId).MaxAsync(w => (int?)w.Sequence, ct) ?? 0) + 1;
            var withdrawal = new Withdrawal
            {
                DatasetId = datasetId,
                SubjectId = subject,
                Sequence = sequence,
                Node = location.Node,
                Reason = string.IsNullOrWhiteSpace(body.Reason) ? null : body.Reason.Trim(),
                RecordedBy = stamp.Actor.Subject,
                RecordedAt = stamp.Now.UtcDateTime,
            };
            db.Withdrawals.Add(withdrawal);
            db.Publish(stamp.Stamp(new ConsentWithdrawn { DatasetId = datasetId, Node = location.Node, SubjectId = subject, RecordedAt = stamp.Now },
                datasetId, sequence));
            return (withdrawal, true);
        });
        return outcome switch
        {
            null => NotFound(datasetId),
            Dictionary<string, string[]> errors => TypedResults.ValidationProblem(errors, type: ProblemTypes.Validation, title: "The withdrawal is not valid"),
            (Withdrawal w, true) => TypedResults.Created($"/api/consent/datasets/{Uri.EscapeDataString(datasetId)}/withdrawals", WithdrawalView.Of(w)),
            (Withdrawal w, _) => TypedResults.Ok(WithdrawalView.Of(w)),
            _ => throw new InvalidOperationException("Unexpected outcome"),
        };
    }

    private static async Task<Results<Ok<WithdrawalList>, ProblemHttpResult>> List(string datasetId, ClaimsPrincipal user, ConsentDbContext db, CancellationToken cancellationToken)
    {
        var location = await db.Locations.AsNoTracking().FirstOrDefaultAsync(l => l.DatasetId == datasetId, cancellationToken);
        var seesAll = user.HasClaim(FederationClaims.Role, FederationRoles.Auditor) || user.HasClaim(FederationClaims.Role, FederationRoles.PlatformAdmin);
        if (location is null || !(seesAll || user.DataHolders().Contains(location.DataHolder)))
            return NotFound(datasetId);
        var withdrawals = await db.Withdrawals.AsNoTracking().Where(w => w.DatasetId == datasetId).OrderBy(w => w.Sequence).ToListAsync(cancellationToken);
        return TypedResults.Ok(new WithdrawalList(withdrawals.Select(WithdrawalView.Of).ToList()));
    }

    private static ProblemHttpResult NotFound(string datasetId) =>
        TypedResults.Problem(statusCode: 404, type: ProblemTypes.NotFound, title: "Dataset not found",
            detail: $"No dataset '{DuoCatalogue.Shorten(datasetId)}' of yours is known to the consent role.");
}
