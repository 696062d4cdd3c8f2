namespace Federation.AccessRequests.Domain;

/// <summary>
/// Lifecycle of a request, after BBMRI-ERIC Negotiator v3 and REMS. Submitted, under review and the
/// three decided states follow from the datasets' sub-states (<see cref="RequestStateRules"/>); the
/// others are reached by an action (return, withdraw, conclude) or by the review clock (abandon).
/// </summary>
public enum AccessRequestState
{
    Draft,
    Submitted,
    UnderReview,
    Returned,
    Approved,
    PartiallyApproved,
    Declined,
    Abandoned,
    Withdrawn,
    Concluded,
}

/// <summary>One requested dataset at its data holder.</summary>
public enum SubRequestState
{
    Pending,
    UnderReview,
    ConditionsProposed,
    Approved,
    Declined,
    MadeAvailable,
}

public static class StateNames
{
    /// <summary>The wire and API spelling: camel case (<c>partiallyApproved</c>), as every enum in the federation's JSON.</summary>
    public static string Wire<T>(T state) where T : struct, Enum => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(state.ToString());
}

/// <summary>The consent check's outcomes as the consent role spells them.</summary>
public static class Outcomes
{
    public const string Permit = "permit";
    public const string Deny = "deny";
    public const string NeedsReview = "needsReview";
}
