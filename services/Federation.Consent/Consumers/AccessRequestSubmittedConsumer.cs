using Federation.Consent.Data;
using Federation.Consent.Matching;
using Federation.Consent.Terms;
using Federation.Contracts;
using Federation.Contracts.Access;
using Federation.Contracts.Consent;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Federation.Consent.Consumers;

/// <summary>
/// Checks every submitted access request's research purpose against the current conditions of each
/// requested dataset and answers with <see cref="DataUseCheckCompleted"/>, which the access role shows to
/// reviewers before they decide. The check and its event commit with the inbox row: one answer per submission.
/// </summary>
public sealed class AccessRequestSubmittedConsumer(GroupCommit<ConsentDbContext> store, TimeProvider clock)
    : InboxConsumer<ConsentDbContext, AccessRequestSubmitted>(store)
{
    protected override async Task Apply(ConsentDbContext db, ConsumeContext<AccessRequestSubmitted> context, CancellationToken cancellationToken)
    {
        var submitted = context.Message;
        var ids = submitted.DatasetIds.Distinct(StringComparer.Ordinal).ToList();
        var latest = (await db.Conditions.AsNoTracking().Where(c => ids.Contains(c.DatasetId)).ToListAsync(cancellationToken))
            .GroupBy(c => c.DatasetId).ToDictionary(g => g.Key, g => g.MaxBy(c => c.Version)!);
        // A dataset without conditions still has a holder to review it, if its node has published it.
        var holders = await db.Locations.AsNoTracking().Where(l => ids.Contains(l.DatasetId)).ToDictionaryAsync(l => l.DatasetId, l => l.DataHolder, cancellationToken);
        var checks = ids.Select(id => Check(id, latest.GetValueOrDefault(id), holders.GetValueOrDefault(id), submitted)).ToList();

        var stamp = new EventStamp(Actor.Service(ConsentModule.Name), submitted.CorrelationId, clock);
        db.Publish(stamp.Stamp(new DataUseCheckCompleted
        {
            RequestId = submitted.RequestId,
            RequestVersion = submitted.AggregateVersion,
            DuoRelease = DuoCatalogue.Shipped.Release,
            Checks = checks,
        }, submitted.RequestId.ToString(), submitted.AggregateVersion));
    }

    private static DatasetCheck Check(string datasetId, Domain.ConditionsVersion? conditions, string? publishedHolder, AccessRequestSubmitted submitted)
    {
        if (conditions is null)
            return NeedsReview(datasetId, publishedHolder, null, "No data-use conditions are recorded for this dataset; a reviewer decides.");
        if (submitted.Request?.PurposeTerms is not { } terms)
            return NeedsReview(datasetId, conditions.DataHolder, conditions.Version,
                "The request states no structured research purpose (DUO terms); a reviewer decides from its free text.");

        var purpose = new ResearchPurpose(terms.Purposes, terms.DiseaseCodes, terms.Commercial, terms.ForProfitOrganisation,
            terms.Country?.ToUpperInvariant(), terms.Institution, terms.Project, submitted.Applicant);
        var problems = InputRules.Check(purpose);
        if (problems.Count > 0)
            return NeedsReview(datasetId, conditions.DataHolder, conditions.Version, [.. problems.Select(p => $"Purpose {p.Field}: {p.Problem}")]);

        var decision = DuoMatcher.Evaluate(purpose, conditions.Conditions);
        return new DatasetCheck(datasetId, conditions.DataHolder, conditions.Version, Wire(decision.Outcome),
            decision.Reasons.Select(r => r.Text).ToList(), decision.Obligations.Select(o => o.Text).ToList());
    }

    private static DatasetCheck NeedsReview(string datasetId, string? holder, int? version, params string[] reasons) =>
        new(datasetId, holder, version, Wire(Outcome.NeedsReview), reasons, []);

    // The same spelling as the evaluate API's JSON (camel-case enums).
    private static string Wire(Outcome outcome) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(outcome.ToString());
}
