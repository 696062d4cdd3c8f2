using System.Diagnostics;

namespace Federation.Testing;

/// <summary>Waiting on a condition with a deadline: the only synchronisation tests use (no fixed sleeps).</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(20);
        T last = default!;
        Exception? lastError = null;
        while (clock.Elapsed < timeout)
        {
            try
            {
                last = await probe();
                if (done(last))
                    return last;
                lastError = null;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException or Npgsql.NpgsqlException)
            {
                lastError = ex;
            }
            await Task.Delay(pause);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 1.5, 500));
        }
        throw new TimeoutException($"Gave up after {timeout.TotalSeconds:0} s waiting for {what}. Last value: {last}" +
            (lastError is null ? "" : $"; last error: {lastError.Message}"));
    }

    public static Task Until(Func<Task<bool>> probe, TimeSpan timeout, string what) => Until(probe, ok => ok, timeout, what);
}
