using Federation.AccessRequests.Domain;
using Xunit;

namespace Federation.AccessRequests.Tests;

/// <summary>The decision rules and the request-state rules as tables: each row a case a DAC would recognise.</summary>
public sealed class DecisionRulesTests
{
    private static ReviewPolicy Policy(DecisionRule rule, int quorum = 0, bool veto = false, params string[] members) =>
        new() { DataHolder = "h", Rule = rule, Members = [.. members], Quorum = quorum, Veto = veto };

    // votes: "a1+" = a1 approves, "a2-" = a2 declines, in the order cast
    public static TheoryData<string, DecisionRule, int, bool, string[], string[], Verdict> Cases => new()
    {
        { "single: no vote yet", DecisionRule.Single, 0, false, [], [], Verdict.Undecided },
        { "single: first approval decides", DecisionRule.Single, 0, false, [], ["x+"], Verdict.Approved },
        { "single: first decline decides", DecisionRule.Single, 0, false, [], ["x-", "y+"], Verdict.Declined },
        { "single with named members: an outsider's vote does not count", DecisionRule.Single, 0, false, ["a1"], ["z+"], Verdict.Undecided },
        { "quorum 2 of 3: one approval is not enough", DecisionRule.Quorum, 2, false, ["a1", "a2", "a3"], ["a1+"], Verdict.Undecided },
        { "quorum 2 of 3: two approvals", DecisionRule.Quorum, 2, false, ["a1", "a2", "a3"], ["a1+", "a2-", "a3+"], Verdict.Approved },
        { "quorum 2 of 3: two declines make it impossible", DecisionRule.Quorum, 2, false, ["a1", "a2", "a3"], ["a1-", "a2-"], Verdict.Declined },
        { "quorum 2 of 3: one decline leaves it open", DecisionRule.Quorum, 2, false, ["a1", "a2", "a3"], ["a1-", "a2+"], Verdict.Undecided },
        { "quorum 3 of 3: any decline makes it impossible", DecisionRule.Quorum, 3, false, ["a1", "a2", "a3"], ["a1+", "a2-"], Verdict.Declined },
        { "quorum with veto: one decline vetoes", DecisionRule.Quorum, 1, true, ["a1", "a2", "a3"], ["a1-"], Verdict.Declined },
        { "quorum 1 with veto: one approval decides", DecisionRule.Quorum, 1, true, ["a1", "a2"], ["a1+"], Verdict.Approved },
        { "quorum: outsiders do not count towards it", DecisionRule.Quorum, 2, false, ["a1", "a2", "a3"], ["a1+", "z+"], Verdict.Undecided },
        { "majority of 4: two approvals are not a majority", DecisionRule.Majority, 0, false, ["a1", "a2", "a3", "a4"], ["a1+", "a2+"], Verdict.Undecided },
        { "majority of 4: three approvals", DecisionRule.Majority, 0, false, ["a1", "a2", "a3", "a4"], ["a1+", "a2+", "a3+"], Verdict.Approved },
        { "majority of 4: two declines make it impossible", DecisionRule.Majority, 0, false, ["a1", "a2", "a3", "a4"], ["a1-", "a2-"], Verdict.Declined },
        { "majority of 3: two approvals", DecisionRule.Majority, 0, false, ["a1", "a2", "a3"], ["a1+", "a3+"], Verdict.Approved },
        { "majority of 3: one decline leaves it open", DecisionRule.Majority, 0, false, ["a1", "a2", "a3"], ["a1-"], Verdict.Undecided },
        { "majority with veto: one decline vetoes", DecisionRule.Majority, 0, true, ["a1", "a2", "a3"], ["a1+", "a2-"], Verdict.Declined },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Votes_decide_by_the_holders_rule(string _, DecisionRule rule, int quorum, bool veto, string[] members, string[] votes, Verdict expected)
    {
        var policy = Policy(rule, quorum, veto, members);
        var cast = votes.Select(v => (v[..^1], v[^1] == '+')).ToList();

        Assert.Equal(expected, DecisionRules.Decide(policy, cast));
    }

    public static TheoryData<SubRequestState[], AccessRequestState> States => new()
    {
        { [SubRequestState.Pending, SubRequestState.Pending], AccessRequestState.Submitted },
        { [SubRequestState.Pending, SubRequestState.UnderReview], AccessRequestState.UnderReview },
        { [SubRequestState.ConditionsProposed, SubRequestState.Approved], AccessRequestState.UnderReview },
        { [SubRequestState.Approved, SubRequestState.MadeAvailable], AccessRequestState.Approved },
        { [SubRequestState.Declined, SubRequestState.Declined], AccessRequestState.Declined },
        { [SubRequestState.MadeAvailable, SubRequestState.Declined], AccessRequestState.PartiallyApproved },
        { [SubRequestState.Declined, SubRequestState.Pending], AccessRequestState.UnderReview },
    };

    [Theory]
    [MemberData(nameof(States))]
    public void The_request_state_follows_from_its_datasets(SubRequestState[] datasets, AccessRequestState expected) =>
        Assert.Equal(expected, RequestStateRules.Derive(datasets));
}
