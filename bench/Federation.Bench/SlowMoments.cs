namespace Federation.Bench;

/// <summary>
/// Whether a latency tail is queueing spread over the whole run or a few moments when everything waited. Events are put
/// in windows by the time they were sent; the windows holding most of the events slower than the run's p99 are named,
/// with where the slowest event of each spent its time. On two shared cores the p99 of the half-load run was made of one
/// to three such moments (50–150 ms each), not of a slow path. The clock time of each window is there to find it in the
/// servers' logs.
/// </summary>
public static class SlowMoments
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(250);

    /// <param name="events">Each event's send time, its latency and that latency split into named parts.</param>
    public static string Describe(IReadOnlyList<(DateTime Sent, double Total, (string Part, double Ms)[] Parts)> events, int shown = 3)
    {
        if (events.Count < 100)
            return "";
        var p99 = new Measurement("", "", events.Count, 1, events.Select(e => e.Total).ToArray()).P99;
        var start = events.Min(e => e.Sent);
        var slow = events.Where(e => e.Total > p99).ToList();
        if (slow.Count == 0)
            return "";
        var windows = slow.GroupBy(e => (int)((e.Sent - start) / Window)).OrderByDescending(w => w.Count()).Take(shown).ToList();
        var named = windows.Select(w =>
        {
            var slowest = w.MaxBy(e => e.Total);
            var parts = string.Join(", ", slowest.Parts.Select(p => $"{p.Part} {p.Ms:N0}"));
            return $"+{(w.Key * Window).TotalSeconds:N2} s ({start + w.Key * Window:HH:mm:ss.ff} UTC): {w.Count()} ({slowest.Total:N0} ms = {parts})";
        });
        return $"[events over p99, by {Window.TotalMilliseconds:N0} ms window of sending: {windows.Sum(w => w.Count())} of {slow.Count} in {windows.Count} windows; {string.Join("; ", named)}] ";
    }
}
