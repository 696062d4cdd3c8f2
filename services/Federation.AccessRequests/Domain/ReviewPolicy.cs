namespace Federation.AccessRequests.Domain;

public enum DecisionRule
{
    /// <summary>The first vote of an eligible reviewer decides.</summary>
    Single,

    /// <summary>At least <see cref="ReviewPolicy.Quorum"/> approvals of the named members.</summary>
    Quorum,

    /// <summary>More than half of the named members approve.</summary>
    Majority,
}

/// <summary>
/// How one data holder's access committee decides, and how long it may take. Stored per holder; a holder
/// without a stored policy uses <see cref="Default"/> (any of its DAC members decides alone).
/// </summary>
public sealed class ReviewPolicy
{
    public string DataHolder { get; set; } = "";
    public DecisionRule Rule { get; set; }

    /// <summary>Subjects of the DAC members who vote; empty (single rule only) means any DAC member of the holder.</summary>
    public List<string> Members { get; set; } = [];

    public int Quorum { get; set; }

    /// <summary>A single decline of a named member declines the dataset, whatever the others vote.</summary>
    public bool Veto { get; set; }

    public TimeSpan RemindAfter { get; set; }
    public TimeSpan EscalateAfter { get; set; }

    /// <summary>How long an entitlement lasts when the project gives no earlier end.</summary>
    public TimeSpan EntitlementDuration { get; set; }

    public long Version { get; set; }

    public static ReviewPolicy Default(string dataHolder) => new()
    {
        DataHolder = dataHolder,
        Rule = DecisionRule.Single,
        RemindAfter = TimeSpan.FromDays(7),
        EscalateAfter = TimeSpan.FromDays(14),
        EntitlementDuration = TimeSpan.FromDays(365),
    };

    /// <summary>Whether <paramref name="member"/> (a DAC member of this holder) may vote under this policy.</summary>
    public bool MayVote(string member) => Members.Count == 0 || Members.Contains(member, StringComparer.Ordinal);

    /// <summary>Approvals needed to approve: the quorum, a strict majority, or one.</summary>
    public int ApprovalsNeeded => Rule switch
    {
        DecisionRule.Quorum => Quorum,
        DecisionRule.Majority => Members.Count / 2 + 1,
        _ => 1,
    };
}
