using Federation.Contracts;
using Federation.Contracts.Security;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Hosting;
using Federation.ServiceDefaults.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Federation.ServiceDefaults.Security;

/// <summary>The kinds of <see cref="SecurityEventsObserved"/>.</summary>
public static class SecurityEventKinds
{
    public const string SignInSucceeded = "sign-in-succeeded";
    public const string SignInFailed = "sign-in-failed";
    public const string TokenRefused = "token-refused";
    public const string RequestRefused = "request-refused";
}

/// <summary>
/// Counts this process's security events (refused requests in every role; sign-ins and refused token requests at the
/// identity role) per (kind, caller, client, address, method, route, status, reason) in the current window, in memory
/// and bounded: past <see cref="SecurityOptions.AuditMaxKeysPerWindow"/> distinct keys, further keys are counted in
/// one overflow tally per kind and status. So a flood of refusals costs a counter increment each, never a write;
/// <see cref="SecurityEventPublisher"/> turns each window's tallies into events. Counting never throws into a request.
/// </summary>
public sealed class SecurityEventRecorder(IOptions<SecurityOptions> options, ActiveRoles roles, TimeProvider clock)
{
    private static readonly object Recorded = new();
    private readonly object gate = new();
    private Dictionary<Key, Tally> tallies = [];
    private DateTimeOffset windowStart = clock.GetUtcNow();
    private long version;

    /// <summary>This process, as the aggregate of its reports: host name and a per-start id.</summary>
    public string Reporter { get; } = $"{Environment.MachineName}/{Guid.NewGuid():N}";

    public string Service { get; } = string.Join(',', roles.Names);

    /// <summary>The refusal an HTTP response ended in (401, 403, 429), unless a more precise kind recorded it already.</summary>
    public void Observe(HttpContext http)
    {
        var status = http.Response.StatusCode;
        if (status is not (StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden or StatusCodes.Status429TooManyRequests)
            || http.Items.ContainsKey(Recorded))
            return;
        var reason = status switch
        {
            StatusCodes.Status401Unauthorized => http.Request.Headers.Authorization.Count > 0 ? "invalid token" : "no token",
            StatusCodes.Status403Forbidden => "scope or role not granted",
            _ => "rate limited",
        };
        Count(http, SecurityEventKinds.RequestRefused, Caller(http), claimed: null, ClientOf(http), status, reason);
    }

    /// <summary>A sign-in at the login page: the account that signed in, or the user name that failed.</summary>
    public void SignIn(HttpContext http, string? userName, Actor? account, int status)
    {
        var kind = account is null ? SecurityEventKinds.SignInFailed : SecurityEventKinds.SignInSucceeded;
        Count(http, kind, account ?? Actor.Anonymous, Cap(userName), client: null, status, account is null ? "wrong password or unknown user" : null);
    }

    /// <summary>A token request the identity role refused (<c>invalid_client</c>, <c>invalid_grant</c>, …).</summary>
    public void TokenRefused(HttpContext http, string error, string? clientId, string? grantType, int status) =>
        Count(http, SecurityEventKinds.TokenRefused, Actor.Anonymous, Cap(clientId), Cap(clientId), status, Cap($"{error} ({grantType ?? "no grant type"})"));

    private void Count(HttpContext http, string kind, Actor caller, string? claimed, string? client, int status, string? reason)
    {
        http.Items[Recorded] = true;
        var route = http.GetEndpoint() is RouteEndpoint endpoint ? endpoint.RoutePattern.RawText ?? "(unnamed)" : "(unmatched)";
        var key = new Key(kind, caller.Subject, caller.Kind, caller.Role, claimed, client, http.Connection.RemoteIpAddress?.ToString(),
            http.Request.Method, Cap(route)!, status, reason, Overflow: false);
        var now = clock.GetUtcNow();
        lock (gate)
        {
            if (!tallies.ContainsKey(key) && tallies.Count >= options.Value.AuditMaxKeysPerWindow)
                key = new Key(kind, "*", Actor.Anonymous.Kind, null, null, null, null, "*", "*", status, null, Overflow: true);
            if (tallies.TryGetValue(key, out var tally))
                tally.Add(now);
            else
                tallies[key] = new Tally(now);
        }
    }

    /// <summary>Ends the current window: its tallies as events, stamped and numbered in this process's sequence of reports.</summary>
    internal IReadOnlyList<FederationEvent> CloseWindow()
    {
        Dictionary<Key, Tally> closed;
        DateTimeOffset start;
        lock (gate)
        {
            (closed, tallies) = (tallies, []);
            (start, windowStart) = (windowStart, clock.GetUtcNow());
        }
        var events = new List<FederationEvent>(closed.Count);
        foreach (var (key, tally) in closed.OrderBy(t => t.Value.FirstAt))
            events.Add(ToEvent(key, tally.Count, tally.FirstAt, tally.LastAt, start));
        return events;
    }

    /// <summary>
    /// Folds events that could not be written yet into one per kind and status, so a long store outage holds a bounded
    /// number of them in memory while every request stays counted.
    /// </summary>
    internal IReadOnlyList<FederationEvent> Fold(IReadOnlyList<FederationEvent> pending) =>
        pending.Cast<SecurityEventsObserved>().GroupBy(e => (e.Kind, e.Status))
            .Select(g => ToEvent(new Key(g.Key.Kind, "*", Actor.Anonymous.Kind, null, null, null, null, "*", "*", g.Key.Status, null, Overflow: true),
                g.Sum(e => e.Count), g.Min(e => e.FirstAt), g.Max(e => e.LastAt), g.Min(e => e.WindowStart)))
            .ToList();

    private FederationEvent ToEvent(Key key, int count, DateTimeOffset first, DateTimeOffset last, DateTimeOffset start)
    {
        var actor = key.Overflow || key.Caller == Actor.Anonymous.Subject ? Actor.Anonymous : new Actor(key.Caller, key.ActorKind, key.Role, key.Client);
        var stamp = new EventStamp(actor, Guid.NewGuid(), clock);
        return stamp.Stamp(new SecurityEventsObserved
        {
            Kind = key.Kind, Service = Service, Reporter = Reporter, Caller = key.Caller, Claimed = key.Claimed, Client = key.Client,
            Address = key.Address, Method = key.Method, Route = key.Route, Status = key.Status, Reason = key.Reason,
            Count = count, FirstAt = first, LastAt = last, WindowStart = start, Overflow = key.Overflow,
        }, $"security:{Reporter}", Interlocked.Increment(ref version));
    }

    private static Actor Caller(HttpContext http) => EventStamps.ActorOf(http.User);

    private static string? ClientOf(HttpContext http) => http.User.FindFirst(FederationClaims.ClientId)?.Value;

    // Claimed names and reasons come from the caller: capped, so a flood of long junk does not make long keys.
    private static string? Cap(string? text) => text is { Length: > 200 } ? text[..200] : text;

    private readonly record struct Key(
        string Kind, string Caller, string ActorKind, string? Role, string? Claimed, string? Client, string? Address, string Method, string Route,
        int Status, string? Reason, bool Overflow);

    private sealed class Tally(DateTimeOffset at)
    {
        public int Count { get; private set; } = 1;

        public DateTimeOffset FirstAt { get; } = at;

        public DateTimeOffset LastAt { get; private set; } = at;

        public void Add(DateTimeOffset now)
        {
            Count = Count == int.MaxValue ? Count : Count + 1;
            LastAt = now;
        }
    }
}
