using System.Security.Claims;
using Federation.Consent.Data;
using Federation.Consent.Domain;
using Federation.Consent.Matching;
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

public static class ConsentApi
{
    public static IEndpointRouteBuilder MapConsentApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/consent").WithTags("Consent");
        api.MapPut("/datasets/{datasetId}/conditions", SetConditions).WithName("SetDataUseConditions")
            .WithSummary("Record a new version of a dataset's data-use conditions (DUO)")
            .RequireScope(FederationScopes.Consent, FederationRoles.DacMember, FederationRoles.PlatformAdmin).LimitedAsWrite();
        api.MapGet("/datasets/{datasetId}/conditions", GetConditions).WithName("GetDataUseConditions")
            .WithSummary("Read a dataset's current (or a given version of its) data-use conditions")
            .RequireScope(FederationScopes.Consent, FederationRoles.DacMember, FederationRoles.PlatformAdmin);
        api.MapPost("/evaluate", Evaluate).WithName("EvaluateResearchPurpose")
            .WithSummary("Check a research purpose against datasets' conditions: permit, deny or needs review, with reasons and obligations")
            .RequireScope(FederationScopes.Consent, FederationRoles.Researcher, FederationRoles.DacMember, FederationRoles.PlatformAdmin);
        return app;
    }

    // The holder's DAC members and platform admins manage a dataset's conditions; nobody else learns they exist.
    private static bool MayManage(ClaimsPrincipal user, string dataHolder) =>
        user.HasClaim(FederationClaims.Role, FederationRoles.PlatformAdmin) || user.DataHolders().Contains(dataHolder);

    private static async Task<Results<Ok<ConditionsView>, ValidationProblem, ProblemHttpResult>> SetConditions(
        string datasetId, SetConditionsRequest body, ClaimsPrincipal user, ConsentDbContext reader, GroupCommit<ConsentDbContext> store, EventStamp stamp,
        CancellationToken cancellationToken)
    {
        if (!SetConditionsRequest.DatasetIdPattern().IsMatch(datasetId))
            return NotFound(datasetId);
        var current = await Latest(reader.Conditions.AsNoTracking(), datasetId, cancellationToken);
        if (current is not null && !MayManage(user, current.DataHolder))
            return NotFound(datasetId); // checked before the body: outsiders learn nothing from validation messages
        var errors = body.Validate();
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, type: ProblemTypes.Validation, title: "The data-use conditions are not valid");
        if (current is null && !MayManage(user, body.DataHolder!))
            return TypedResults.Problem(statusCode: 403, type: ProblemTypes.Forbidden, title: "Not your data holder",
                detail: $"Only DAC members of {body.DataHolder} (or platform admins) set its datasets' conditions.");
        if (current is not null && current.DataHolder != body.DataHolder)
            return TypedResults.Problem(statusCode: 409, type: ProblemTypes.Conflict, title: "Data holder is fixed",
                detail: $"Dataset {datasetId} belongs to {current.DataHolder}; its conditions cannot move to another holder.");

        var conditions = body.ToConditions();
        var saved = await store.Write(async (db, ct) =>
        {
            // Re-read inside the transaction: the version follows whatever committed last.
            var latest = await Latest(db.Conditions.AsNoTracking(), datasetId, ct);
            var version = new ConditionsVersion
            {
                DatasetId = datasetId,
                Version = (latest?.Version ?? 0) + 1,
                DataHolder = body.DataHolder!,
                Permission = conditions.Permission,
                Diseases = [.. conditions.Diseases],
                ModifiersJson = ConditionsVersion.Serialize(conditions.Modifiers),
                SetBy = stamp.Actor.Subject,
                SetAt = stamp.Now.UtcDateTime,
            };
            var placement = PlacementConstraints.Of(conditions);
            db.Conditions.Add(version);
            db.Publish(stamp.Stamp(new DataUseConditionsChanged
            {
                DatasetId = datasetId,
                DataHolder = version.DataHolder,
                Version = version.Version,
                Permission = version.Permission,
                Diseases = version.Diseases,
                Modifiers = conditions.Modifiers.Select(m => new DataUseModifierTerm(m.Id, m.Values, m.Months, m.Until)).ToList(),
                StaysAtNode = placement.StaysAtNode,
                Countries = placement.Countries,
            }, datasetId, version.Version));
            return version;
        });
        return TypedResults.Ok(ConditionsView.Of(saved));
    }

    private static async Task<Results<Ok<ConditionsView>, ProblemHttpResult>> GetConditions(
        string datasetId, int? version, ClaimsPrincipal user, ConsentDbContext db, CancellationToken cancellationToken)
    {
        var query = db.Conditions.AsNoTracking().Where(c => c.DatasetId == datasetId);
        var found = version is { } v
            ? await query.FirstOrDefaultAsync(c => c.Version == v, cancellationToken)
            : await Latest(query, datasetId, cancellationToken);
        return found is null || !MayManage(user, found.DataHolder) ? NotFound(datasetId) : TypedResults.Ok(ConditionsView.Of(found));
    }

    private static async Task<Results<Ok<EvaluationView>, ValidationProblem>> Evaluate(
        EvaluateRequest body, ClaimsPrincipal user, ConsentDbContext db, CancellationToken cancellationToken)
    {
        var caller = user.FindFirst(FederationClaims.Subject)?.Value ?? "";
        var errors = body.Validate(caller);
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, type: ProblemTypes.Validation, title: "The evaluation request is not valid");

        var purpose = body.ToPurpose(caller);
        var ids = body.DatasetIds!.Distinct(StringComparer.Ordinal).ToList();
        var current = (await db.Conditions.AsNoTracking().Where(c => ids.Contains(c.DatasetId)).ToListAsync(cancellationToken))
            .GroupBy(c => c.DatasetId).ToDictionary(g => g.Key, g => g.MaxBy(c => c.Version)!);
        var decisions = ids.Select(id =>
        {
            if (!current.TryGetValue(id, out var conditions))
                return new DatasetDecision(id, null, Outcome.NeedsReview,
                    [new Reason("none", Outcome.NeedsReview, "No data-use conditions are recorded for this dataset; a reviewer decides.")], []);
            var decision = DuoMatcher.Evaluate(purpose, conditions.Conditions);
            return new DatasetDecision(id, conditions.Version, decision.Outcome, decision.Reasons, decision.Obligations);
        }).ToList();
        return TypedResults.Ok(new EvaluationView(DuoCatalogue.Shipped.Release, decisions));
    }

    private static Task<ConditionsVersion?> Latest(IQueryable<ConditionsVersion> conditions, string datasetId, CancellationToken cancellationToken) =>
        conditions.Where(c => c.DatasetId == datasetId).OrderByDescending(c => c.Version).FirstOrDefaultAsync(cancellationToken);

    private static ProblemHttpResult NotFound(string datasetId) =>
        TypedResults.Problem(statusCode: 404, type: ProblemTypes.NotFound, title: "No conditions found",
            detail: $"No data-use conditions of yours are recorded for dataset '{DuoCatalogue.Shorten(datasetId)}'.");
}
