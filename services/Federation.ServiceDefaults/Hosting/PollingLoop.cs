using Microsoft.Extensions.Logging;

namespace Federation.ServiceDefaults.Hosting;

/// <summary>
/// The loop of every background worker that polls its store or its source: run a step; go again at once when it
/// did something, wait <c>idle</c> when it found nothing; after a failure (a database or broker restarting) log one
/// line and wait <c>afterFailure</c> in real time, so that a test's stopped clock never stalls recovery.
/// </summary>
public static class PollingLoop
{
    /// <param name="step">One unit of work; returns whether it did something (then the next runs at once).</param>
    public static async Task Run(Func<CancellationToken, Task<bool>> step, TimeSpan idle, TimeSpan afterFailure, TimeProvider clock,
        ILogger log, string what, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (!await step(stopping))
                    await Task.Delay(idle, clock, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                log.LogWarning("{What} paused: {Error}", what, ex.Message);
                try
                {
                    await Task.Delay(afterFailure, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
