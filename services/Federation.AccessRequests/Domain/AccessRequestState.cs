namespace Federation.AccessRequests.Domain;

/// <summary>Lifecycle of a request (BBMRI-ERIC Negotiator v3 / REMS); later states arrive with review.</summary>
public enum AccessRequestState
{
    Draft,
    Submitted,
}
