namespace Federation.AccessRequests.Domain;

/// <summary>
/// How a request under review takes its state from its datasets' sub-states. Written once, here, so that
/// the API, the events and the README table cannot disagree:
/// <list type="bullet">
/// <item>every dataset decided (approved, made available or declined): all declined → declined; none
/// declined → approved; otherwise → partially approved;</item>
/// <item>otherwise, once any dataset has left "pending" (a vote, proposed conditions) → under review;</item>
/// <item>otherwise → submitted.</item>
/// </list>
/// Conditions proposed is not a decision: the applicant has yet to accept them.
/// </summary>
public static class RequestStateRules
{
    public static bool IsDecided(SubRequestState state) =>
        state is SubRequestState.Approved or SubRequestState.MadeAvailable or SubRequestState.Declined;

    public static bool IsGranted(SubRequestState state) => state is SubRequestState.Approved or SubRequestState.MadeAvailable;

    public static AccessRequestState Derive(IReadOnlyCollection<SubRequestState> datasets)
    {
        if (datasets.Count > 0 && datasets.All(IsDecided))
        {
            if (datasets.All(s => s == SubRequestState.Declined))
                return AccessRequestState.Declined;
            return datasets.Any(s => s == SubRequestState.Declined) ? AccessRequestState.PartiallyApproved : AccessRequestState.Approved;
        }
        return datasets.Any(s => s != SubRequestState.Pending) ? AccessRequestState.UnderReview : AccessRequestState.Submitted;
    }

    /// <summary>States in which reviewers act (vote, return) and the consent check is recorded.</summary>
    public static bool InReview(AccessRequestState state) => state is AccessRequestState.Submitted or AccessRequestState.UnderReview;
}
