using Federation.AccessRequests.Domain;
using Federation.Contracts;
using Federation.Contracts.Access;
using Federation.ServiceDefaults.Domain;
using Federation.ServiceDefaults.Events;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Federation.AccessRequests.Tests;

/// <summary>The request aggregate on its own: transitions, sub-states, votes, timers' effects, one event per change.</summary>
public sealed class AccessRequestTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 29, 9, 0, 0, TimeSpan.Zero));

    private EventStamp As(string subject, string role) => new(new Actor(subject, "user", role), Guid.NewGuid(), clock);

    private EventStamp Researcher => As("alice", "researcher");

    private static readonly ResearchPurposeTerms Biomedical = new(["DUO:0000037"], [], false, false, "DE", null, null);

    private static DraftContent Content(params string[] datasets) => new("Liver CT", "segmentation study", Biomedical, datasets, [], null, null);

    private static ReviewPolicy Single(string holder) => ReviewPolicy.Default(holder);

    private AccessRequest Submitted(params (string Dataset, string Holder, string Outcome)[] datasets)
    {
        var (request, _) = AccessRequest.Draft(Content(datasets.Select(d => d.Dataset).ToArray()), Researcher);
        var submitted = request.Submit(Researcher);
        var checks = datasets.Select(d => new DatasetCheck(d.Dataset, d.Holder, 1, d.Outcome, ["because"], [])).ToList();
        Assert.NotNull(request.RecordConsentCheck(submitted.AggregateVersion, checks, Single, As("system:consent", "system")));
        return request;
    }

    [Fact]
    public void A_draft_starts_at_version_1_and_its_event_carries_the_whole_request()
    {
        var (request, drafted) = AccessRequest.Draft(Content("ds-a", "ds-b"), Researcher);

        Assert.Equal((AccessRequestState.Draft, 1L, "alice"), (request.State, request.Version, request.Applicant));
        Assert.Equal((request.Id.ToString(), 1L, "alice"), (drafted.AggregateId, drafted.AggregateVersion, drafted.Actor.Subject));
        Assert.Equal(["ds-a", "ds-b"], drafted.DatasetIds);
        Assert.Equal(("draft", Biomedical), (drafted.Request!.State, drafted.Request.PurposeTerms));
        Assert.Equal(["edit", "submit", "withdraw"], request.AllowedActions());
    }

    [Fact]
    public void Submitting_bumps_the_version_and_every_dataset_waits_pending_at_its_holder()
    {
        var (request, _) = AccessRequest.Draft(Content("ds-a"), Researcher);

        var submitted = request.Submit(Researcher);

        Assert.Equal((AccessRequestState.Submitted, 2L, 1), (request.State, request.Version, request.Round));
        Assert.Equal((2L, false, "submitted"), (submitted.AggregateVersion, submitted.Resubmission, submitted.Request!.State));
        Assert.Equal("pending", Assert.Single(submitted.Request.Datasets).State);
    }

    [Fact]
    public void Submitting_twice_is_refused_with_the_allowed_actions_and_changes_nothing()
    {
        var (request, _) = AccessRequest.Draft(Content("ds-a"), Researcher);
        request.Submit(Researcher);

        var refused = Assert.Throws<InvalidTransitionException>(() => request.Submit(Researcher));

        Assert.Equal(("submitted", "submit"), (refused.State, refused.Action));
        Assert.Equal(["withdraw", "comment"], refused.Allowed);
        Assert.Equal(2, request.Version);
    }

    [Fact]
    public void The_consent_check_shows_outcomes_learns_holders_and_starts_the_review_timers()
    {
        var request = Submitted(("ds-a", "hospital-a", Outcomes.Permit), ("ds-b", "hospital-b", Outcomes.Deny));

        var a = request.Find("ds-a")!;
        Assert.Equal(("hospital-a", Outcomes.Permit), (a.DataHolder, a.ConsentOutcome));
        Assert.Equal(clock.GetUtcNow().UtcDateTime.AddDays(7), a.RemindAt);
        Assert.Equal(clock.GetUtcNow().UtcDateTime.AddDays(14), a.EscalateAt);
        Assert.Equal(3, request.Version);
    }

    [Fact]
    public void A_check_of_an_earlier_submission_changes_nothing()
    {
        var (request, _) = AccessRequest.Draft(Content("ds-a"), Researcher);
        var first = request.Submit(Researcher);
        request.Return("hospital-a", "Say which sequences", As("dac-1", "dac-member"));
        request.Submit(Researcher);

        var stale = request.RecordConsentCheck(first.AggregateVersion, [new DatasetCheck("ds-a", "hospital-a", 1, Outcomes.Permit, [], [])], Single,
            As("system:consent", "system"));

        Assert.Null(stale);
        Assert.Null(request.Find("ds-a")!.ConsentOutcome);
    }

    [Fact]
    public void A_single_decider_approves_and_the_request_is_approved()
    {
        var request = Submitted(("ds-a", "hospital-a", Outcomes.Permit));

        var (recorded, approved) = request.Vote("ds-a", "dac-1", true, "fine", null, null, Single("hospital-a"), clock.GetUtcNow(), As("dac-1", "dac-member"));

        Assert.Equal(new ApprovedDataset("ds-a", "hospital-a", null), approved);
        Assert.Equal((AccessRequestState.Approved, "approved"), (request.State, recorded.Request.State));
        Assert.Equal(("approve", "dac-1", "approved"), (recorded.Decision, recorded.Member, recorded.Request.Datasets[0].State));
    }

    [Fact]
    public void Approving_before_the_consent_check_arrives_is_refused()
    {
        var (request, _) = AccessRequest.Draft(Content("ds-a"), Researcher);
        request.Submit(Researcher);
        request.Find("ds-a")!.DataHolder = "hospital-a";

        var refused = Assert.Throws<ConflictException>(() =>
            request.Vote("ds-a", "dac-1", true, null, null, null, Single("hospital-a"), clock.GetUtcNow(), As("dac-1", "dac-member")));

        Assert.Equal("Consent check pending", refused.Title);
        Assert.Empty(request.Votes);
    }

    [Fact]
    public void A_consent_deny_is_approved_only_with_a_recorded_override()
    {
        var request = Submitted(("ds-a", "hospital-a", Outcomes.Deny));
        var stamp = As("dac-1", "dac-member");

        Assert.Throws<ConflictException>(() => request.Vote("ds-a", "dac-1", true, null, null, null, Single("hospital-a"), clock.GetUtcNow(), stamp));
        var (recorded, approved) = request.Vote("ds-a", "dac-1", true, null, null, "Ethics board approved the secondary use", Single("hospital-a"),
            clock.GetUtcNow(), stamp);

        Assert.NotNull(approved);
        Assert.Equal("Ethics board approved the secondary use", recorded.OverrideReason);
        Assert.Equal("Ethics board approved the secondary use", request.Find("ds-a")!.OverrideReason);
    }

    [Fact]
    public void Conditions_attached_to_an_approval_wait_for_the_applicant_to_accept_them()
    {
        var request = Submitted(("ds-a", "hospital-a", Outcomes.Permit));

        var (_, approved) = request.Vote("ds-a", "dac-1", true, null, "Acknowledge hospital A in publications", null, Single("hospital-a"),
            clock.GetUtcNow(), As("dac-1", "dac-member"));

        Assert.Null(approved);
        Assert.Equal((SubRequestState.ConditionsProposed, AccessRequestState.UnderReview), (request.Find("ds-a")!.State, request.State));
        Assert.Contains("accept_conditions", request.AllowedActions());

        var (accepted, granted) = request.AcceptConditions("ds-a", clock.GetUtcNow(), Researcher);

        Assert.Equal("Acknowledge hospital A in publications", granted.Conditions);
        Assert.Equal(AccessRequestState.Approved, request.State);
        Assert.Equal("approved", accepted.Request.State);
    }

    [Fact]
    public void A_quorum_at_one_holder_and_a_decline_at_the_other_make_it_partially_approved()
    {
        var request = Submitted(("ds-a", "hospital-a", Outcomes.Permit), ("ds-b", "hospital-b", Outcomes.NeedsReview));
        var quorum = new ReviewPolicy { DataHolder = "hospital-a", Rule = DecisionRule.Quorum, Members = ["a1", "a2", "a3"], Quorum = 2 };
        var now = clock.GetUtcNow();

        var first = request.Vote("ds-a", "a1", true, null, null, null, quorum, now, As("a1", "dac-member"));
        Assert.Equal((AccessRequestState.UnderReview, SubRequestState.UnderReview, (ApprovedDataset?)null),
            (request.State, request.Find("ds-a")!.State, first.Approved));
        var second = request.Vote("ds-a", "a2", true, null, null, null, quorum, now, As("a2", "dac-member"));
        Assert.NotNull(second.Approved);
        request.Vote("ds-b", "b1", false, "Not for this cohort", null, null, Single("hospital-b"), now, As("b1", "dac-member"));

        Assert.Equal(AccessRequestState.PartiallyApproved, request.State);
        Assert.Equal(["comment", "conclude"], request.AllowedActions());
    }

    [Fact]
    public void A_member_votes_once_per_round_and_only_on_datasets_still_awaiting_a_decision()
    {
        var request = Submitted(("ds-a", "hospital-a", Outcomes.Permit));
        var quorum = new ReviewPolicy { DataHolder = "hospital-a", Rule = DecisionRule.Quorum, Members = ["a1", "a2"], Quorum = 2 };
        request.Vote("ds-a", "a1", true, null, null, null, quorum, clock.GetUtcNow(), As("a1", "dac-member"));

        var again = Assert.Throws<ConflictException>(() => request.Vote("ds-a", "a1", false, null, null, null, quorum, clock.GetUtcNow(), As("a1", "dac-member")));

        Assert.Equal("Already voted", again.Title);
        request.Vote("ds-a", "a2", true, null, null, null, quorum, clock.GetUtcNow(), As("a2", "dac-member"));
        Assert.Throws<InvalidTransitionException>(() => request.Vote("ds-a", "a3", true, null, null, null, Single("hospital-a"), clock.GetUtcNow(), As("a3", "dac-member")));
    }

    [Fact]
    public void Returned_and_resubmitted_starts_a_new_round_keeping_decisions_already_taken()
    {
        var request = Submitted(("ds-a", "hospital-a", Outcomes.Permit), ("ds-b", "hospital-b", Outcomes.Permit));
        request.Vote("ds-a", "a1", true, null, null, null, Single("hospital-a"), clock.GetUtcNow(), As("a1", "dac-member"));

        var returned = request.Return("hospital-b", "Please narrow the purpose", As("b1", "dac-member"));
        Assert.Equal(("returned", "Please narrow the purpose"), (returned.Request.State, returned.Comment));
        Assert.Equal(["edit", "submit", "withdraw", "comment"], request.AllowedActions());

        var resubmitted = request.Submit(Researcher);

        Assert.True(resubmitted.Resubmission);
        Assert.Equal(2, request.Round);
        Assert.Equal((SubRequestState.Approved, SubRequestState.Pending), (request.Find("ds-a")!.State, request.Find("ds-b")!.State));
        Assert.Null(request.Find("ds-b")!.ConsentOutcome); // a fresh check comes for the changed request
        Assert.Equal(AccessRequestState.UnderReview, request.State);
    }

    [Fact]
    public void Reminders_and_escalations_fire_once_per_holder_and_only_when_due()
    {
        var request = Submitted(("ds-a", "hospital-a", Outcomes.Permit), ("ds-a2", "hospital-a", Outcomes.Permit), ("ds-b", "hospital-b", Outcomes.Permit));
        var system = As("system:access", "system");

        Assert.Null(request.Remind("hospital-a", clock.GetUtcNow().AddDays(6), system));
        var reminded = request.Remind("hospital-a", clock.GetUtcNow().AddDays(7), system);
        Assert.Equal(("hospital-a", clock.GetUtcNow().AddDays(7)), (reminded!.DataHolder, reminded.DueAt));
        Assert.Null(request.Remind("hospital-a", clock.GetUtcNow().AddDays(8), system));

        request.Vote("ds-b", "b1", true, null, null, null, Single("hospital-b"), clock.GetUtcNow(), As("b1", "dac-member"));
        Assert.Null(request.Escalate("hospital-b", clock.GetUtcNow().AddDays(15), system)); // hospital-b has decided
        Assert.NotNull(request.Escalate("hospital-a", clock.GetUtcNow().AddDays(15), system));
        Assert.Null(request.Escalate("hospital-a", clock.GetUtcNow().AddDays(16), system));
    }

    [Fact]
    public void Withdrawing_abandoning_and_concluding_happen_only_from_their_states()
    {
        var (draft, _) = AccessRequest.Draft(Content("ds-a"), Researcher);
        Assert.Throws<InvalidTransitionException>(() => draft.Conclude(Researcher));
        Assert.Equal("abandoned", draft.Abandon(As("system:access", "system")).Request.State);
        Assert.Throws<InvalidTransitionException>(() => draft.Withdraw(Researcher));

        var decided = Submitted(("ds-a", "hospital-a", Outcomes.Permit));
        Assert.Throws<InvalidTransitionException>(() => decided.Abandon(As("system:access", "system")));
        decided.Vote("ds-a", "a1", false, null, null, null, Single("hospital-a"), clock.GetUtcNow(), As("a1", "dac-member"));
        Assert.Equal(AccessRequestState.Declined, decided.State);
        Assert.Throws<InvalidTransitionException>(() => decided.Withdraw(Researcher));
        Assert.Equal("concluded", decided.Conclude(Researcher).Request.State);
        Assert.Empty(decided.AllowedActions());
    }

    [Fact]
    public void Every_change_is_one_version_and_one_event_with_the_snapshot_of_that_version()
    {
        var (request, drafted) = AccessRequest.Draft(Content("ds-a"), Researcher);
        var events = new List<FederationEvent> { drafted, request.Edit(Content("ds-a", "ds-b"), Researcher), request.Submit(Researcher) };
        events.Add(request.RecordConsentCheck(request.SubmittedVersion, [new DatasetCheck("ds-a", "h", 1, Outcomes.Permit, [], [])], Single, Researcher)!);
        events.Add(request.Comment("alice", "Any news?", Researcher));

        Assert.Equal([1L, 2, 3, 4, 5], events.Select(e => e.AggregateVersion));
        Assert.Equal(5, request.Version);
        Assert.All(events.Skip(1), e => Assert.Equal(e.AggregateVersion, ((dynamic)e).Request.Version));
    }
}
