using System.Diagnostics;

namespace Federation.Bench;

/// <summary>Counts arrivals, keeps each one's latency from its send timestamp, and signals the last.</summary>
public sealed class LatencyRecorder(int expected)
{
    private readonly double[] latencies = new double[expected];
    private readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int received;

    public double[] Latencies => latencies;

    public Task AllReceived => done.Task;

    public void Record(long sentTimestamp)
    {
        var n = Interlocked.Increment(ref received);
        if (n <= latencies.Length)
            latencies[n - 1] = Stopwatch.GetElapsedTime(sentTimestamp).TotalMilliseconds;
        if (n == latencies.Length)
            done.TrySetResult();
    }
}
