namespace Federation.AccessRequests.Domain;

public enum Verdict
{
    Undecided,
    Approved,
    Declined,
}

/// <summary>
/// Whether one dataset's votes decide it under its holder's policy. Pure, so that every rule is tested
/// as a table. A dataset is declined as soon as approval has become impossible (too many declines for
/// the quorum or the majority to be reached), or at once on a veto.
/// </summary>
public static class DecisionRules
{
    public static Verdict Decide(ReviewPolicy policy, IReadOnlyCollection<(string Member, bool Approve)> votes)
    {
        var counted = votes.Where(v => policy.MayVote(v.Member)).ToList();
        if (policy.Rule == DecisionRule.Single)
            return counted.Count == 0 ? Verdict.Undecided : counted[0].Approve ? Verdict.Approved : Verdict.Declined;

        var approvals = counted.Count(v => v.Approve);
        var declines = counted.Count - approvals;
        if (policy.Veto && declines > 0)
            return Verdict.Declined;
        if (approvals >= policy.ApprovalsNeeded)
            return Verdict.Approved;
        return declines > policy.Members.Count - policy.ApprovalsNeeded ? Verdict.Declined : Verdict.Undecided;
    }
}
