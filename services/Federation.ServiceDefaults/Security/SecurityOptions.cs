namespace Federation.ServiceDefaults.Security;

/// <summary>How this process validates tokens (<c>Federation:Security</c>).</summary>
public sealed class SecurityOptions
{
    public const string Section = "Federation:Security";

    /// <summary>
    /// Base URL of the identity role (its issuer). Not needed when the identity role runs in this
    /// process; required otherwise (start-up refuses to guess).
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>The audience (<c>aud</c>) every federation API expects.</summary>
    public string Audience { get; set; } = "federation";

    /// <summary>Tolerated clock difference between issuer and API; at most 30 s.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Token requests and login attempts per client address per minute.</summary>
    public int TokenRequestsPerMinute { get; set; } = 120;

    /// <summary>Sustained writes per caller per second (token bucket; bursts up to twice as many).</summary>
    public int WritesPerSecond { get; set; } = 50;

    /// <summary>
    /// Security events (refused requests, sign-ins, refused token requests) are counted per caller, route and reason over
    /// windows this long, and each window's counts are published as <c>SecurityEventsObserved</c> events.
    /// </summary>
    public TimeSpan AuditWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Distinct (kind, caller, client, address, route, status, reason) counted one by one per window; the rest are counted together.</summary>
    public int AuditMaxKeysPerWindow { get; set; } = 200;
}
