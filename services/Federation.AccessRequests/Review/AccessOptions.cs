namespace Federation.AccessRequests.Review;

/// <summary>The access role's settings (<c>Federation:Access</c>).</summary>
public sealed class AccessOptions
{
    public const string Section = "Federation:Access";

    /// <summary>A draft or returned request untouched this long is abandoned.</summary>
    public TimeSpan AbandonIdleAfter { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// The longest the review clock sleeps before looking again. It also wakes at the next known deadline,
    /// so entitlements end on time; this bounds how late a deadline created meanwhile (by any replica) fires.
    /// Review deadlines are days apart, so half a minute late is nothing; looking every second cost each replica about
    /// a dozen queries a second for ever, and on a store that had just grown (plans made while its tables were small)
    /// some of them scanned a whole table (reads of 40–48 ms in the bench).
    /// </summary>
    public TimeSpan ClockPoll { get; set; } = TimeSpan.FromSeconds(30);
}
