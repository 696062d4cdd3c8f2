namespace Federation.AccessRequests.Review;

/// <summary>The access role's settings (<c>Federation:Access</c>).</summary>
public sealed class AccessOptions
{
    public const string Section = "Federation:Access";

    /// <summary>A draft or returned request untouched this long is abandoned.</summary>
    public TimeSpan AbandonIdleAfter { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// The longest the review clock sleeps before looking again. It also wakes at the next known deadline,
    /// so entitlements end on time; this bounds how late a deadline created meanwhile by another replica fires.
    /// </summary>
    public TimeSpan ClockPoll { get; set; } = TimeSpan.FromSeconds(1);
}
