namespace Federation.Consent.Matching;

/// <summary>Ordered by strength: any deny wins over needs review, which wins over permit.</summary>
public enum Outcome
{
    Permit = 0,
    NeedsReview = 1,
    Deny = 2,
}

/// <summary>What one condition said about the purpose, and why (the term that decided, in words).</summary>
public sealed record Reason(string Term, Outcome Outcome, string Text);

/// <summary>Something the requester must do if access is granted (publish, collaborate, obtain ethics approval …).</summary>
public sealed record Obligation(string Term, string Text);

/// <summary>The matcher's answer: the outcome, every condition's reason, and the obligations that come with a grant.</summary>
public sealed record Decision(Outcome Outcome, IReadOnlyList<Reason> Reasons, IReadOnlyList<Obligation> Obligations)
{
    /// <summary>The reasons that carried the outcome (the strongest ones).</summary>
    public IEnumerable<Reason> Deciding => Reasons.Where(r => r.Outcome == Outcome);
}
