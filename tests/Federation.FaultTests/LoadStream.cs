using System.Collections.Concurrent;
using Federation.Testing;

namespace Federation.FaultTests;

/// <summary>
/// A steady stream of draft requests against the access role, from a few concurrent callers, that
/// keeps a ledger of what was sent and what the API accepted.
/// </summary>
public sealed class LoadStream(HttpClient access, int callers = 4)
{
    private readonly ConcurrentBag<Guid> accepted = [];
    private readonly CancellationTokenSource stop = new();
    private int sent;
    private Task? running;

    public int Sent => sent;

    public IReadOnlyCollection<Guid> Accepted => accepted;

    public void Start() =>
        running = Task.WhenAll(Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref sent);
                if (await access.TryCreateDraft($"fault stream {caller}-{n}", $"ds-{n % 7}") is { } id)
                    accepted.Add(id);
                else
                    await Task.Delay(20); // refused (the process or its database is down): do not spin
            }
        })));

    /// <summary>Waits until the API has accepted <paramref name="more"/> further requests (the stream is flowing).</summary>
    public Task AcceptedAtLeast(int more, TimeSpan timeout)
    {
        var target = accepted.Count + more;
        return Eventually.Until(() => Task.FromResult(accepted.Count >= target), timeout, $"{more} more accepted requests");
    }

    public async Task Stop()
    {
        if (stop.IsCancellationRequested)
            return;
        await stop.CancelAsync();
        if (running is not null)
            await running;
    }
}
