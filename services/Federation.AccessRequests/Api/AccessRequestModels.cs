using System.Text.RegularExpressions;
using Federation.AccessRequests.Domain;
using Federation.AccessRequests.Entitlements;
using Federation.Contracts.Access;
using Federation.ServiceDefaults.Persistence;

namespace Federation.AccessRequests.Api;

/// <summary>The structured research purpose as the API takes it. Fields are nullable so that a missing one gets a named validation error.</summary>
public sealed record PurposeTermsBody(
    IReadOnlyList<string?>? Purposes,
    IReadOnlyList<string?>? DiseaseCodes,
    bool? Commercial,
    bool? ForProfitOrganisation,
    string? Country,
    string? Institution,
    string? Project);

/// <summary>Body of <c>POST /api/access-requests</c> (create a draft) and <c>PUT /api/access-requests/{id}</c> (edit it).</summary>
public sealed partial record CreateAccessRequest(
    string? Title,
    IReadOnlyList<string?>? DatasetIds,
    string? Purpose,
    PurposeTermsBody? PurposeTerms = null,
    IReadOnlyList<string?>? Team = null,
    DateOnly? ProjectStart = null,
    DateOnly? ProjectEnd = null)
{
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Title))
            errors["title"] = ["A title is required."];
        else if (Title.Trim().Length > AccessRequestLimits.TitleLength)
            errors["title"] = [$"The title may have at most {AccessRequestLimits.TitleLength} characters."];
        else if (Title.Any(char.IsControl))
            errors["title"] = ["The title may not contain control characters."];

        if (DatasetIds is null || DatasetIds.Count == 0)
            errors["datasetIds"] = ["At least one dataset id is required."];
        else if (DatasetIds.Count > AccessRequestLimits.MaxDatasets)
            errors["datasetIds"] = [$"At most {AccessRequestLimits.MaxDatasets} datasets per request."];
        else if (DatasetIds.Any(d => !Printable(d, AccessRequestLimits.DatasetIdLength)))
            errors["datasetIds"] = [$"Each dataset id must be 1 to {AccessRequestLimits.DatasetIdLength} printable characters."];
        else if (NormalizedDatasetIds().Count != DatasetIds.Count)
            errors["datasetIds"] = ["A dataset may be requested only once per request."];

        if (Purpose is { Length: > AccessRequestLimits.PurposeLength })
            errors["purpose"] = [$"The purpose may have at most {AccessRequestLimits.PurposeLength} characters."];

        if (Team is { } team && (team.Count > AccessRequestLimits.MaxTeam || team.Any(m => !Printable(m, AccessRequestLimits.SubjectLength))))
            errors["team"] = [$"At most {AccessRequestLimits.MaxTeam} team members, each 1 to {AccessRequestLimits.SubjectLength} printable characters."];
        if (ProjectStart is { } start && ProjectEnd is { } end && end < start)
            errors["projectEnd"] = ["The project cannot end before it starts."];

        if (PurposeTerms is { } terms)
        {
            if (terms.Purposes is not { Count: > 0 and <= 10 } purposes || purposes.Any(p => p is null || !DuoCode().IsMatch(p)))
                errors["purposeTerms.purposes"] = ["1 to 10 DUO research-purpose codes (DUO:0000031 to DUO:0000040), e.g. DUO:0000037."];
            if (terms.DiseaseCodes is { } diseases && (diseases.Count > 50 || diseases.Any(d => d is null || !OntologyCode().IsMatch(d))))
                errors["purposeTerms.diseaseCodes"] = ["At most 50 disease codes such as MONDO:0004992."];
            if (terms.Country is { } country && !CountryCode().IsMatch(country))
                errors["purposeTerms.country"] = ["An ISO 3166-1 alpha-2 country code (e.g. DE, FR)."];
            if (new[] { terms.Institution, terms.Project }.Any(v => v is not null && !Printable(v, AccessRequestLimits.SubjectLength)))
                errors["purposeTerms"] = [$"Institution and project: 1 to {AccessRequestLimits.SubjectLength} printable characters."];
        }
        return errors;
    }

    public DraftContent ToContent() => new(
        Title!.Trim(),
        string.IsNullOrWhiteSpace(Purpose) ? null : Purpose.Trim(),
        PurposeTerms is { } t
            ? new ResearchPurposeTerms(
                t.Purposes!.Select(p => p!).Distinct().ToList(), (t.DiseaseCodes ?? []).Select(d => d!).Distinct().ToList(),
                t.Commercial ?? false, t.ForProfitOrganisation ?? false, t.Country?.ToUpperInvariant(), t.Institution?.Trim(), t.Project?.Trim())
            : null,
        NormalizedDatasetIds(),
        (Team ?? []).Select(m => m!.Trim()).Distinct(StringComparer.Ordinal).ToList(),
        ProjectStart,
        ProjectEnd);

    public IReadOnlyList<string> NormalizedDatasetIds() =>
        (DatasetIds ?? []).Select(d => d!.Trim()).Distinct(StringComparer.Ordinal).ToList();

    internal static bool Printable(string? value, int maxLength) =>
        !string.IsNullOrWhiteSpace(value) && value.Trim().Length <= maxLength && !value.Any(char.IsControl);

    [GeneratedRegex(@"^DUO:\d{7}$")]
    private static partial Regex DuoCode();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]{0,19}:[A-Za-z0-9_.]{1,30}$")]
    private static partial Regex OntologyCode();

    [GeneratedRegex(@"^[A-Za-z]{2}$")]
    private static partial Regex CountryCode();
}

/// <summary>Body of a vote on one dataset.</summary>
public sealed record VoteBody(string? Decision, string? Comment, string? Conditions, string? OverrideReason)
{
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (Decision is not ("approve" or "decline"))
            errors["decision"] = ["approve or decline."];
        if (Comment is not null && !CreateAccessRequest.Printable(Comment.Replace('\n', ' '), AccessRequestLimits.CommentLength))
            errors["comment"] = [$"1 to {AccessRequestLimits.CommentLength} characters."];
        if (Conditions is not null && (Decision != "approve" || !CreateAccessRequest.Printable(Conditions.Replace('\n', ' '), AccessRequestLimits.ConditionsLength)))
            errors["conditions"] = [$"Conditions go with an approval: 1 to {AccessRequestLimits.ConditionsLength} characters."];
        if (OverrideReason is not null && (Decision != "approve" || !CreateAccessRequest.Printable(OverrideReason.Replace('\n', ' '), AccessRequestLimits.CommentLength)))
            errors["overrideReason"] = [$"An override goes with an approval: 1 to {AccessRequestLimits.CommentLength} characters."];
        return errors;
    }
}

/// <summary>Body of a comment, a return for changes, or a revocation: one text.</summary>
public sealed record TextBody(string? Text)
{
    public Dictionary<string, string[]> Validate(string field = "text") =>
        CreateAccessRequest.Printable(Text?.Replace('\n', ' '), AccessRequestLimits.CommentLength)
            ? []
            : new() { [field] = [$"1 to {AccessRequestLimits.CommentLength} characters."] };
}

/// <summary>Body of <c>PUT /api/access-review/policies/{holder}</c>.</summary>
public sealed record ReviewPolicyBody(
    string? Rule, IReadOnlyList<string?>? Members, int? Quorum, bool? Veto, int? RemindAfterDays, int? EscalateAfterDays, int? EntitlementDays)
{
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        var rule = ParseRule();
        var members = (Members ?? []).ToList();
        if (rule is null)
            errors["rule"] = ["single, quorum or majority."];
        if (members.Count > AccessRequestLimits.MaxPolicyMembers || members.Any(m => !CreateAccessRequest.Printable(m, AccessRequestLimits.SubjectLength)))
            errors["members"] = [$"At most {AccessRequestLimits.MaxPolicyMembers} member subjects."];
        else if (members.Distinct(StringComparer.Ordinal).Count() != members.Count)
            errors["members"] = ["Each member once."];
        else if (rule is DecisionRule.Quorum or DecisionRule.Majority && members.Count < 2)
            errors["members"] = ["Quorum and majority rules name at least two voting members."];
        if (rule == DecisionRule.Quorum && (Quorum is not { } q || q < 1 || q > members.Count))
            errors["quorum"] = ["The number of approvals needed: 1 to the number of members."];
        if (rule != DecisionRule.Quorum && Quorum is not null)
            errors["quorum"] = ["Only the quorum rule takes a quorum."];
        if (Veto == true && rule == DecisionRule.Single)
            errors["veto"] = ["A veto needs a quorum or majority rule."];
        if (RemindAfterDays is < 1 or > 365)
            errors["remindAfterDays"] = ["1 to 365 days."];
        if (EscalateAfterDays is < 1 or > 730 || (EscalateAfterDays ?? 14) <= (RemindAfterDays ?? 7))
            errors["escalateAfterDays"] = ["1 to 730 days, after the reminder."];
        if (EntitlementDays is < 1 or > 3650)
            errors["entitlementDays"] = ["1 to 3650 days."];
        return errors;
    }

    public DecisionRule? ParseRule() => Rule switch
    {
        "single" => DecisionRule.Single,
        "quorum" => DecisionRule.Quorum,
        "majority" => DecisionRule.Majority,
        _ => null,
    };
}

public sealed record ConsentCheckView(string Outcome, IReadOnlyList<string> Reasons, IReadOnlyList<string> Obligations, int? ConditionsVersion);

public sealed record VoteView(string Member, string Decision, string? Comment, string? Conditions, string? OverrideReason, DateTimeOffset CastAt);

public sealed record DatasetView(
    string DatasetId,
    string? DataHolder,
    string State,
    ConsentCheckView? ConsentCheck,
    string? Conditions,
    string? OverrideReason,
    IReadOnlyList<VoteView>? Votes,
    IReadOnlyList<string>? ReviewerActions);

public sealed record CommentView(string Author, string Text, DateTimeOffset At);

public sealed record AccessRequestView(
    Guid Id,
    string Title,
    string? Purpose,
    ResearchPurposeTerms? PurposeTerms,
    string Applicant,
    IReadOnlyList<string> Team,
    DateOnly? ProjectStart,
    DateOnly? ProjectEnd,
    string State,
    long Version,
    int Round,
    IReadOnlyList<string> DatasetIds,
    IReadOnlyList<DatasetView> Datasets,
    IReadOnlyList<CommentView> Comments,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SubmittedAt,
    IReadOnlyList<string> AllowedActions)
{
    /// <summary>The applicant's view: no individual votes (the committee's deliberation is its own).</summary>
    public static AccessRequestView Of(AccessRequest r) => Of(r, reviewer: null);

    /// <summary>A reviewer's view: the votes of the current round on the holders' datasets they see, and what they may do there.</summary>
    public static AccessRequestView Of(AccessRequest r, Reviewer? reviewer) => new(
        r.Id,
        r.Title,
        r.Purpose,
        r.PurposeTerms,
        r.Applicant,
        r.Team,
        r.ProjectStart,
        r.ProjectEnd,
        StateNames.Wire(r.State),
        r.Version,
        r.Round,
        r.DatasetIds,
        r.Datasets.OrderBy(d => d.Position).Select(d => DatasetOf(r, d, reviewer)).ToList(),
        r.Comments.OrderBy(c => c.At).Select(c => new CommentView(c.Author, c.Text, c.At.AsUtc())).ToList(),
        r.CreatedAt.AsUtc(),
        r.SubmittedAt.AsUtc(),
        reviewer is null ? r.AllowedActions() : ReviewerRequestActions(r));

    private static DatasetView DatasetOf(AccessRequest r, RequestedDataset d, Reviewer? reviewer)
    {
        var reviews = reviewer is { } who && d.DataHolder is { } holder && (who.SeesAll || who.Holders.Contains(holder));
        var votes = reviews
            ? r.Votes.Where(v => v.Round == r.Round && v.DatasetId == d.DatasetId).OrderBy(v => v.CastAt)
                .Select(v => new VoteView(v.Member, v.Approve ? "approve" : "decline", v.Comment, v.Conditions, v.OverrideReason, v.CastAt.AsUtc())).ToList()
            : null;
        IReadOnlyList<string>? actions = null;
        if (reviews)
        {
            var mayVote = RequestStateRules.InReview(r.State) && d.AwaitsHolder && reviewer!.Holders.Contains(d.DataHolder!)
                          && reviewer.PolicyOf(d.DataHolder!).MayVote(reviewer.Subject) && votes!.All(v => v.Member != reviewer.Subject);
            actions = mayVote ? ["vote"] : [];
        }
        return new DatasetView(
            d.DatasetId, d.DataHolder, StateNames.Wire(d.State),
            d.ConsentOutcome is null ? null : new ConsentCheckView(d.ConsentOutcome, d.ConsentReasons, d.ConsentObligations, d.ConsentConditionsVersion),
            d.Conditions, d.OverrideReason, votes, actions);
    }

    private static IReadOnlyList<string> ReviewerRequestActions(AccessRequest r) =>
        RequestStateRules.InReview(r.State) ? ["return", "comment"] :
        r.State is AccessRequestState.Returned or AccessRequestState.Approved or AccessRequestState.PartiallyApproved or AccessRequestState.Declined ? ["comment"] : [];

}

/// <summary>
/// Who reviews: a DAC member with the holders they decide for, or a platform admin who sees every holder
/// (escalations) without voting for any. <see cref="PolicyOf"/> gives each holder's review policy.
/// </summary>
public sealed record Reviewer(string Subject, IReadOnlySet<string> Holders, bool SeesAll, Func<string, ReviewPolicy> PolicyOf);

public sealed record AccessRequestList(IReadOnlyList<AccessRequestView> Items);

public sealed record ReviewPolicyView(
    string DataHolder, string Rule, IReadOnlyList<string> Members, int Quorum, bool Veto, int RemindAfterDays, int EscalateAfterDays, int EntitlementDays, bool IsDefault)
{
    public static ReviewPolicyView Of(ReviewPolicy p, bool isDefault) => new(
        p.DataHolder, StateNames.Wire(p.Rule), p.Members, p.Quorum, p.Veto,
        (int)p.RemindAfter.TotalDays, (int)p.EscalateAfter.TotalDays, (int)p.EntitlementDuration.TotalDays, isDefault);
}

public sealed record EntitlementView(
    Guid Id, Guid RequestId, string Subject, string DatasetId, string DataHolder, string? Conditions,
    DateTimeOffset GrantedAt, DateTimeOffset Start, DateTimeOffset End, string State, DateTimeOffset? EndedAt, string? EndReason)
{
    public static EntitlementView Of(Entitlement e) => new(
        e.Id, e.RequestId, e.Subject, e.DatasetId, e.DataHolder, e.Conditions,
        e.GrantedAt.AsUtc(), e.Start.AsUtc(), e.End.AsUtc(), StateNames.Wire(e.State), e.EndedAt.AsUtc(), e.EndReason);
}

public sealed record EntitlementList(IReadOnlyList<EntitlementView> Items);
