namespace Federation.Contracts.Security;

/// <summary>
/// Security-relevant requests one process saw in one time window, counted per caller, route and reason rather than
/// published one by one, so that a flood of refused requests costs one event per distinct (kind, caller, client,
/// address, method, route, status, reason) and window, and at most a bounded number of such events per window: past
/// that bound the rest are counted together in an <see cref="Overflow"/> event per kind and status (caller, client,
/// address and route <c>*</c>). Nothing is dropped without being counted.
/// <para>
/// AggregateId is the reporting process (<see cref="Reporter"/>); AggregateVersion numbers its reports 1, 2, 3, … so a
/// missing report shows as a gap. <c>Actor</c> is the caller as far as it was verified (a valid token's subject for a
/// 403 or 429, the account for a successful sign-in), else anonymous; <see cref="Claimed"/> is who the caller said it
/// was without proving it (the user name typed at a failed sign-in, the client id of a refused token request).
/// </para>
/// </summary>
public sealed record SecurityEventsObserved : FederationEvent
{
    /// <summary><c>sign-in-succeeded</c>, <c>sign-in-failed</c>, <c>token-refused</c> or <c>request-refused</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The roles of the reporting process (<c>access,identity</c>): where it happened.</summary>
    public required string Service { get; init; }

    /// <summary>The reporting process: host name and a per-start id.</summary>
    public required string Reporter { get; init; }

    /// <summary>The verified caller's subject (as <c>Actor.Subject</c>), or <c>*</c> in an overflow event.</summary>
    public required string Caller { get; init; }

    /// <summary>Who the caller claimed to be, unverified (user name, client id); null when it claimed nothing.</summary>
    public string? Claimed { get; init; }

    /// <summary>The OAuth client (token's <c>client_id</c>, or the client id of a token request).</summary>
    public string? Client { get; init; }

    /// <summary>The client address as the server saw it.</summary>
    public string? Address { get; init; }

    public required string Method { get; init; }

    /// <summary>The route template (<c>/api/access-requests/{id}</c>), never the raw path; <c>(unmatched)</c> when no route matched.</summary>
    public required string Route { get; init; }

    /// <summary>The HTTP status answered (200/302 for a successful sign-in, 400/401 for refused tokens, 401, 403, 429).</summary>
    public required int Status { get; init; }

    /// <summary>Why: <c>invalid_client</c>, <c>invalid_grant</c>, <c>wrong password or unknown user</c>, <c>no or invalid token</c>, <c>forbidden</c>, <c>rate limited</c>, ….</summary>
    public string? Reason { get; init; }

    /// <summary>How many such requests the window saw (at least 1).</summary>
    public required int Count { get; init; }

    public required DateTimeOffset FirstAt { get; init; }

    public required DateTimeOffset LastAt { get; init; }

    /// <summary>Start of the window the requests fell in.</summary>
    public required DateTimeOffset WindowStart { get; init; }

    /// <summary>True for the event counting everything past the per-window bound of distinct keys.</summary>
    public bool Overflow { get; init; }
}
