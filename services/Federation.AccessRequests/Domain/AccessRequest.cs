using Federation.Contracts;
using Federation.Contracts.Access;
using Federation.ServiceDefaults.Domain;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Persistence;

namespace Federation.AccessRequests.Domain;

/// <summary>What an applicant writes in a draft.</summary>
public sealed record DraftContent(
    string Title,
    string? Purpose,
    ResearchPurposeTerms? PurposeTerms,
    IReadOnlyList<string> DatasetIds,
    IReadOnlyList<string> Team,
    DateOnly? ProjectStart,
    DateOnly? ProjectEnd);

/// <summary>A dataset that a vote or an acceptance approved: the caller grants its entitlement in the same transaction.</summary>
public sealed record ApprovedDataset(string DatasetId, string DataHolder, string? Conditions);

/// <summary>
/// A researcher's request for access to datasets, each reviewed by its own data holder. Every state
/// change bumps <see cref="Version"/> (also the optimistic-concurrency token) and returns exactly one
/// event carrying the whole request (<see cref="Snapshot"/>). An action the state does not allow throws
/// <see cref="InvalidTransitionException"/> naming the actions that are allowed.
/// </summary>
public sealed class AccessRequest
{
    private const string Kind = "access request";

    public Guid Id { get; private set; }
    public string Title { get; private set; } = "";
    public string? Purpose { get; private set; }
    public ResearchPurposeTerms? PurposeTerms { get; private set; }

    /// <summary>Subject of the researcher who filed the request.</summary>
    public string Applicant { get; private set; } = "";

    public List<string> Team { get; private set; } = [];
    public DateOnly? ProjectStart { get; private set; }
    public DateOnly? ProjectEnd { get; private set; }
    public AccessRequestState State { get; private set; }
    public long Version { get; private set; }
    public DateTime CreatedAt { get; private set; }

    /// <summary>Last time the applicant touched a draft or returned request: stale ones are abandoned from here.</summary>
    public DateTime UpdatedAt { get; private set; }

    public DateTime? SubmittedAt { get; private set; }

    /// <summary>The version the last submission produced: a consent check of an older submission is stale.</summary>
    public long SubmittedVersion { get; private set; }

    /// <summary>Review round: 1 at the first submission, +1 at each resubmission. Votes count in their round only.</summary>
    public int Round { get; private set; }

    public List<RequestedDataset> Datasets { get; private set; } = [];
    public List<ReviewVote> Votes { get; private set; } = [];
    public List<ReviewComment> Comments { get; private set; } = [];

    public IReadOnlyList<string> DatasetIds => Ordered.Select(d => d.DatasetId).ToList();

    private IEnumerable<RequestedDataset> Ordered => Datasets.OrderBy(d => d.Position);

    public static (AccessRequest Request, AccessRequestDrafted Event) Draft(DraftContent content, EventStamp stamp)
    {
        var request = new AccessRequest
        {
            Id = Guid.CreateVersion7(stamp.Now),
            Applicant = stamp.Actor.Subject,
            State = AccessRequestState.Draft,
            Version = 1,
            CreatedAt = stamp.Now.UtcDateTime,
        };
        request.Apply(content, stamp.Now);
        var drafted = new AccessRequestDrafted
        {
            RequestId = request.Id,
            Title = request.Title,
            Applicant = request.Applicant,
            DatasetIds = request.DatasetIds,
            Request = request.Snapshot(),
        };
        return (request, stamp.Stamp(drafted, request.Id.ToString(), request.Version));
    }

    public AccessRequestEdited Edit(DraftContent content, EventStamp stamp)
    {
        Require("edit", AccessRequestState.Draft, AccessRequestState.Returned);
        Apply(content, stamp.Now);
        return Changed(snapshot => new AccessRequestEdited { Request = snapshot }, stamp);
    }

    public AccessRequestSubmitted Submit(EventStamp stamp)
    {
        Require("submit", AccessRequestState.Draft, AccessRequestState.Returned);
        var resubmission = State == AccessRequestState.Returned;
        Round++;
        foreach (var dataset in Datasets.Where(d => !RequestStateRules.IsDecided(d.State)))
        {
            // Decisions already taken stand; everything else is looked at afresh, with a fresh consent check.
            dataset.State = SubRequestState.Pending;
            dataset.ConsentOutcome = null;
            dataset.ConsentReasons = [];
            dataset.ConsentObligations = [];
            dataset.ConsentConditionsVersion = null;
            dataset.Conditions = null;
            dataset.RemindAt = dataset.EscalateAt = dataset.RemindedAt = dataset.EscalatedAt = null;
        }
        State = RequestStateRules.Derive(Datasets.Select(d => d.State).ToList());
        SubmittedAt = stamp.Now.UtcDateTime;
        var submitted = Changed(snapshot => new AccessRequestSubmitted
        {
            RequestId = Id,
            Title = Title,
            Applicant = Applicant,
            DatasetIds = DatasetIds,
            Purpose = Purpose,
            SubmittedAt = stamp.Now,
            Resubmission = resubmission,
            Request = snapshot,
        }, stamp);
        SubmittedVersion = Version;
        return submitted;
    }

    /// <summary>
    /// Records the consent role's check of the latest submission: outcomes are shown to reviewers, holders
    /// are learnt, and each holder's review timers start. Null (nothing changes) for a stale check.
    /// </summary>
    public AccessConsentCheckRecorded? RecordConsentCheck(long checkedVersion, IReadOnlyList<DatasetCheck> checks, Func<string, ReviewPolicy> policyOf, EventStamp stamp)
    {
        if (checkedVersion != SubmittedVersion || !RequestStateRules.InReview(State))
            return null;
        foreach (var check in checks)
        {
            var dataset = Datasets.FirstOrDefault(d => d.DatasetId == check.DatasetId);
            if (dataset is null || !dataset.AwaitsHolder)
                continue;
            dataset.ConsentOutcome = check.Outcome;
            dataset.ConsentReasons = [.. check.Reasons];
            dataset.ConsentObligations = [.. check.Obligations];
            dataset.ConsentConditionsVersion = check.ConditionsVersion;
            if (check.DataHolder is { } holder)
            {
                dataset.DataHolder = holder;
                var policy = policyOf(holder);
                var from = SubmittedAt ?? stamp.Now.UtcDateTime;
                dataset.RemindAt = from + policy.RemindAfter;
                dataset.EscalateAt = from + policy.EscalateAfter;
            }
        }
        return Changed(snapshot => new AccessConsentCheckRecorded { Request = snapshot, Checks = checks }, stamp);
    }

    /// <summary>
    /// A DAC member's vote on one of their holder's datasets. Returns the dataset if the vote approved it
    /// without conditions (the caller grants the entitlement in the same transaction).
    /// </summary>
    public (AccessVoteRecorded Event, ApprovedDataset? Approved) Vote(
        string datasetId, string member, bool approve, string? comment, string? conditions, string? overrideReason, ReviewPolicy policy,
        DateTimeOffset now, EventStamp stamp)
    {
        Require("vote", AccessRequestState.Submitted, AccessRequestState.UnderReview);
        var dataset = Dataset(datasetId);
        if (!dataset.AwaitsHolder)
            throw new InvalidTransitionException("requested dataset", StateNames.Wire(dataset.State), "vote", []);
        if (Votes.Any(v => v.Round == Round && v.DatasetId == datasetId && v.Member == member))
            throw new ConflictException("Already voted", $"You have already voted on {datasetId} in this review round.");
        if (approve && dataset.ConsentOutcome is null)
            throw new ConflictException("Consent check pending",
                "The consent role's check of this dataset has not arrived yet; approve once reviewers can see it.");
        if (approve && dataset.ConsentOutcome == Outcomes.Deny && string.IsNullOrWhiteSpace(overrideReason))
            throw new ConflictException("Consent check denies this use",
                "The automatic check of the purpose against this dataset's data-use conditions says deny; approving needs an explicit override reason.");

        Votes.Add(new ReviewVote
        {
            RequestId = Id,
            Round = Round,
            DatasetId = datasetId,
            Member = member,
            Approve = approve,
            Comment = comment,
            Conditions = approve ? conditions : null,
            OverrideReason = approve && dataset.ConsentOutcome == Outcomes.Deny ? overrideReason : null,
            CastAt = now.UtcDateTime,
        });
        var roundVotes = Votes.Where(v => v.Round == Round && v.DatasetId == datasetId).OrderBy(v => v.CastAt).ToList();
        ApprovedDataset? approved = null;
        switch (DecisionRules.Decide(policy, roundVotes.Select(v => (v.Member, v.Approve)).ToList()))
        {
            case Verdict.Approved:
                dataset.OverrideReason = roundVotes.Select(v => v.OverrideReason).LastOrDefault(r => r is not null);
                var attached = roundVotes.Where(v => v.Approve && !string.IsNullOrWhiteSpace(v.Conditions)).Select(v => v.Conditions!).ToList();
                if (attached.Count > 0)
                {
                    dataset.State = SubRequestState.ConditionsProposed;
                    dataset.Conditions = string.Join("\n", attached);
                }
                else
                {
                    dataset.State = SubRequestState.Approved;
                    dataset.DecidedAt = now.UtcDateTime;
                    approved = new ApprovedDataset(datasetId, dataset.DataHolder!, null);
                }
                break;
            case Verdict.Declined:
                dataset.State = SubRequestState.Declined;
                dataset.DecidedAt = now.UtcDateTime;
                break;
            default:
                dataset.State = SubRequestState.UnderReview;
                break;
        }
        State = RequestStateRules.Derive(Datasets.Select(d => d.State).ToList());
        var recorded = Changed(snapshot => new AccessVoteRecorded
        {
            Request = snapshot,
            DatasetId = datasetId,
            DataHolder = dataset.DataHolder!,
            Member = member,
            Decision = approve ? "approve" : "decline",
            Comment = comment,
            Conditions = approve ? conditions : null,
            OverrideReason = approve && dataset.ConsentOutcome == Outcomes.Deny ? overrideReason : null,
        }, stamp);
        return (recorded, approved);
    }

    /// <summary>The applicant accepts the conditions a holder attached: the dataset is approved.</summary>
    public (AccessConditionsAccepted Event, ApprovedDataset Approved) AcceptConditions(string datasetId, DateTimeOffset now, EventStamp stamp)
    {
        Require("accept_conditions", AccessRequestState.Submitted, AccessRequestState.UnderReview);
        var dataset = Dataset(datasetId);
        if (dataset.State != SubRequestState.ConditionsProposed)
            throw new InvalidTransitionException("requested dataset", StateNames.Wire(dataset.State), "accept_conditions", []);
        dataset.State = SubRequestState.Approved;
        dataset.DecidedAt = now.UtcDateTime;
        State = RequestStateRules.Derive(Datasets.Select(d => d.State).ToList());
        var accepted = Changed(snapshot => new AccessConditionsAccepted { Request = snapshot, DatasetId = datasetId }, stamp);
        return (accepted, new ApprovedDataset(datasetId, dataset.DataHolder!, dataset.Conditions));
    }

    /// <summary>The entitlement of an approved dataset is in force: the dataset is made available (no separate event: same transaction as the grant).</summary>
    public void MarkAvailable(string datasetId)
    {
        var dataset = Dataset(datasetId);
        if (dataset.State == SubRequestState.Approved)
            dataset.State = SubRequestState.MadeAvailable;
    }

    public AccessRequestReturned Return(string dataHolder, string comment, EventStamp stamp)
    {
        Require("return", AccessRequestState.Submitted, AccessRequestState.UnderReview);
        State = AccessRequestState.Returned;
        UpdatedAt = stamp.Now.UtcDateTime;
        Comments.Add(NewComment(stamp.Actor.Subject, comment, stamp.Now));
        return Changed(snapshot => new AccessRequestReturned { Request = snapshot, DataHolder = dataHolder, Comment = comment }, stamp);
    }

    public AccessRequestWithdrawn Withdraw(EventStamp stamp)
    {
        Require("withdraw", AccessRequestState.Draft, AccessRequestState.Submitted, AccessRequestState.UnderReview, AccessRequestState.Returned);
        State = AccessRequestState.Withdrawn;
        return Changed(snapshot => new AccessRequestWithdrawn { Request = snapshot }, stamp);
    }

    public AccessRequestConcluded Conclude(EventStamp stamp)
    {
        Require("conclude", AccessRequestState.Approved, AccessRequestState.PartiallyApproved, AccessRequestState.Declined);
        State = AccessRequestState.Concluded;
        return Changed(snapshot => new AccessRequestConcluded { Request = snapshot }, stamp);
    }

    public AccessCommentAdded Comment(string author, string text, EventStamp stamp)
    {
        Require("comment", AccessRequestState.Submitted, AccessRequestState.UnderReview, AccessRequestState.Returned,
            AccessRequestState.Approved, AccessRequestState.PartiallyApproved, AccessRequestState.Declined);
        Comments.Add(NewComment(author, text, stamp.Now));
        return Changed(snapshot => new AccessCommentAdded { Request = snapshot, Author = author, Comment = text }, stamp);
    }

    /// <summary>The review clock abandons a draft or returned request left idle since <see cref="UpdatedAt"/>.</summary>
    public AccessRequestAbandoned Abandon(EventStamp stamp)
    {
        Require("abandon", AccessRequestState.Draft, AccessRequestState.Returned);
        State = AccessRequestState.Abandoned;
        return Changed(snapshot => new AccessRequestAbandoned { Request = snapshot, IdleSince = DateTime.SpecifyKind(UpdatedAt, DateTimeKind.Utc) }, stamp);
    }

    /// <summary>The review clock reminds a holder whose datasets waited past their reminder time. Null if nothing is due any more.</summary>
    public AccessReviewReminderSent? Remind(string dataHolder, DateTimeOffset now, EventStamp stamp)
    {
        var due = Datasets.Where(d => d.DataHolder == dataHolder && d.AwaitsHolder && d.RemindedAt is null && d.RemindAt <= now.UtcDateTime).ToList();
        if (due.Count == 0 || !RequestStateRules.InReview(State))
            return null;
        foreach (var dataset in due)
            dataset.RemindedAt = now.UtcDateTime;
        return Changed(snapshot => new AccessReviewReminderSent { Request = snapshot, DataHolder = dataHolder, DueAt = due.Min(d => d.RemindAt!.Value).AsUtc() }, stamp);
    }

    /// <summary>The review clock escalates a holder still silent at its second deadline. Null if nothing is due any more.</summary>
    public AccessReviewEscalated? Escalate(string dataHolder, DateTimeOffset now, EventStamp stamp)
    {
        var due = Datasets.Where(d => d.DataHolder == dataHolder && d.AwaitsHolder && d.EscalatedAt is null && d.EscalateAt <= now.UtcDateTime).ToList();
        if (due.Count == 0 || !RequestStateRules.InReview(State))
            return null;
        foreach (var dataset in due)
            dataset.EscalatedAt = now.UtcDateTime;
        return Changed(snapshot => new AccessReviewEscalated { Request = snapshot, DataHolder = dataHolder, DueAt = due.Min(d => d.EscalateAt!.Value).AsUtc() }, stamp);
    }

    /// <summary>What the applicant may do now (reviewers' actions are listed in their inbox view).</summary>
    public IReadOnlyList<string> AllowedActions() => State switch
    {
        AccessRequestState.Draft => ["edit", "submit", "withdraw"],
        AccessRequestState.Returned => ["edit", "submit", "withdraw", "comment"],
        AccessRequestState.Submitted or AccessRequestState.UnderReview =>
            Datasets.Any(d => d.State == SubRequestState.ConditionsProposed) ? ["withdraw", "comment", "accept_conditions"] : ["withdraw", "comment"],
        AccessRequestState.Approved or AccessRequestState.PartiallyApproved or AccessRequestState.Declined => ["comment", "conclude"],
        _ => [],
    };

    public AccessRequestSnapshot Snapshot() => new(
        Id, Version, StateNames.Wire(State), Title, Purpose, PurposeTerms, Applicant, Team, ProjectStart, ProjectEnd,
        Ordered.Select(d => new DatasetSubRequest(d.DatasetId, d.DataHolder, StateNames.Wire(d.State), d.ConsentOutcome, d.Conditions, d.OverrideReason)).ToList());

    public RequestedDataset? Find(string datasetId) => Datasets.FirstOrDefault(d => d.DatasetId == datasetId);

    private RequestedDataset Dataset(string datasetId) =>
        Find(datasetId) ?? throw new KeyNotFoundException($"Dataset {datasetId} is not part of this request.");

    private void Apply(DraftContent content, DateTimeOffset now)
    {
        Title = content.Title;
        Purpose = content.Purpose;
        PurposeTerms = content.PurposeTerms;
        Team = [.. content.Team];
        ProjectStart = content.ProjectStart;
        ProjectEnd = content.ProjectEnd;
        UpdatedAt = now.UtcDateTime;
        Datasets.RemoveAll(d => !content.DatasetIds.Contains(d.DatasetId));
        for (var i = 0; i < content.DatasetIds.Count; i++)
        {
            var existing = Find(content.DatasetIds[i]);
            if (existing is null)
                Datasets.Add(new RequestedDataset { RequestId = Id, DatasetId = content.DatasetIds[i], Position = i });
            else
                existing.Position = i;
        }
    }

    private void Require(string action, params AccessRequestState[] from)
    {
        if (!from.Contains(State))
            throw new InvalidTransitionException(Kind, StateNames.Wire(State), action, AllowedActions());
    }

    // The snapshot is taken after the change and the version bump, so the event shows the state it announces.
    private T Changed<T>(Func<AccessRequestSnapshot, T> build, EventStamp stamp) where T : FederationEvent
    {
        Version++;
        return stamp.Stamp(build(Snapshot()), Id.ToString(), Version);
    }

    private ReviewComment NewComment(string author, string text, DateTimeOffset now) =>
        new() { Id = Guid.CreateVersion7(now), RequestId = Id, Author = author, Text = text, At = now.UtcDateTime };

}
