using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Federation.Testing;
using Npgsql;

namespace Federation.Bench;

/// <summary>
/// F: the federation path across two processes. HTTP request accepted by the access role → draft and
/// outbox row committed → relayed with confirms → consumed by the audit role in another process →
/// entry and inbox row committed. Latency is from the client's send to the commit of the audit entry's transaction.
/// </summary>
public sealed class FederationPath(HostProcess access, HostProcess audit, string accessToken, string auditDatabase, BenchOptions options) : IAsyncDisposable
{
    private readonly HttpClient client = new(new SocketsHttpHandler { MaxConnectionsPerServer = options.HttpConcurrency })
    {
        BaseAddress = access.Client.BaseAddress,
        Timeout = TimeSpan.FromSeconds(60),
        DefaultRequestHeaders = { Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken) },
    };

    private readonly string purpose = new('p', Math.Clamp(options.PayloadBytes - 200, 0, 4000));
    private readonly ConcurrentDictionary<Guid, DateTime> sentAt = new();
    private int failures;

    public int Failures => failures;

    /// <summary>Closed loop: <c>HttpConcurrency</c> callers send as fast as answers come.</summary>
    public async Task<Measurement> AtMaximum(int requests)
    {
        var before = await AuditCount();
        var cpu = CpuOfThePath();
        var clock = Stopwatch.StartNew();
        var next = 0;
        var ids = new ConcurrentBag<Guid>();
        await Task.WhenAll(Enumerable.Range(0, options.HttpConcurrency).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= requests)
                if (await Send() is { } id)
                    ids.Add(id);
        })));
        await WaitForAudit(before + ids.Count);
        var seconds = clock.Elapsed.TotalSeconds;
        Console.Write($"{cpu.PerEvent(ids.Count)} ");
        return new Measurement("F", $"HTTP → commit+outbox → relay → audit process → commit+inbox, {options.HttpConcurrency} callers (maximum)",
            ids.Count, seconds, await Latencies(ids));
    }

    /// <summary>
    /// Open loop: requests leave at a fixed rate whatever the answers do. First a lead-in of <paramref name="leadIn"/> at
    /// the same rate, not measured: it takes what the previous run left to do (its last relay deletes, collections of its
    /// heap, the first small batches' code paths, which a run at maximum never takes) out of the measurement, so that it
    /// starts from the idle state B1½ starts from.
    /// </summary>
    public async Task<Measurement> AtRate(double perSecond, int requests, TimeSpan leadIn)
    {
        await SendAtRate(perSecond, (int)(perSecond * leadIn.TotalSeconds));
        var cpu = CpuOfThePath();
        var clock = Stopwatch.StartNew();
        var ids = await SendAtRate(perSecond, requests);
        var seconds = clock.Elapsed.TotalSeconds;
        Console.Write($"{cpu.PerEvent(ids.Count)} ");
        return new Measurement("F½", $"the same at a fixed offered load of {perSecond:N0} requests/s{(options.FixedRate > 0 ? "" : " (half the maximum)")}",
            ids.Count, seconds, await Latencies(ids, slowMoments: true));
    }

    /// <summary>Sends <paramref name="requests"/> at <paramref name="perSecond"/> and waits until the audit recorded them all.</summary>
    private async Task<ConcurrentBag<Guid>> SendAtRate(double perSecond, int requests)
    {
        var before = await AuditCount();
        var ids = new ConcurrentBag<Guid>();
        var inFlight = new List<Task>(requests);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < requests; i++)
        {
            var due = TimeSpan.FromSeconds(i / perSecond);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
                await Task.Delay(wait);
            inFlight.Add(Task.Run(async () =>
            {
                if (await Send() is { } id)
                    ids.Add(id);
            }));
        }
        await Task.WhenAll(inFlight);
        await WaitForAudit(before + ids.Count);
        return ids;
    }

    private CpuCost CpuOfThePath() => CpuCost.Start(("access", access.ProcessId), ("audit", audit.ProcessId));

    private async Task<Guid?> Send()
    {
        var started = DateTime.UtcNow;
        try
        {
            using var response = await client.PostAsJsonAsync("/api/access-requests",
                new { title = "bench", datasetIds = new[] { "ds-bench" }, purpose });
            if (!response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref failures);
                return null;
            }
            var id = (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
            sentAt[id] = started;
            return id;
        }
        catch (HttpRequestException)
        {
            Interlocked.Increment(ref failures);
            return null;
        }
    }

    private async Task WaitForAudit(long target) =>
        await Eventually.Until(AuditCount, n => n >= target, TimeSpan.FromMinutes(10), $"{target} audit entries");

    private async Task<long> AuditCount()
    {
        await using var connection = new NpgsqlConnection(auditDatabase);
        await connection.OpenAsync();
        // The chain's last sequence, which is its count (gap-free from 1; nothing is pruned in a bench run): one index entry
        // read. count(*) scanned the whole table at every poll, on the store the run's last events were still passing through.
        await using var command = new NpgsqlCommand("SELECT coalesce(max(sequence), 0) FROM audit_entries", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<double[]> Latencies(IEnumerable<Guid> ids, bool slowMoments = false)
    {
        var wanted = ids.Select(i => i.ToString()).ToArray();
        await using var connection = new NpgsqlConnection(auditDatabase);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT aggregate_id, occurred_at, pg_xact_commit_timestamp(xmin), recorded_at FROM audit_entries WHERE aggregate_id = ANY(@ids)", connection);
        command.Parameters.AddWithValue("ids", wanted);
        // Each event once: its send time, its latency and that latency's parts (the splits below and the slow moments read them).
        var events = new List<(DateTime Sent, double Total, (string Part, double Ms)[] Parts)>(wanted.Length);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (!sentAt.TryGetValue(Guid.Parse(reader.GetString(0)), out var sent))
                continue;
            var (stamped, committed, appended) = (reader.GetDateTime(1), reader.GetDateTime(2), reader.GetDateTime(3));
            // The end is the audit entry's commit (with its inbox row), as the issue defines it: the server's commit time.
            events.Add((sent, (committed - sent).TotalMilliseconds,
            [
                ("stamped", (stamped - sent).TotalMilliseconds),
                ("appends", (appended - stamped).TotalMilliseconds),
                ("commit", (committed - appended).TotalMilliseconds),
            ]));
        }
        // Where the time goes: until the access role stamped the event (HTTP + queueing for its group commit), and the rest.
        // Then from the stamp until the audit role appended the entry (access commit, relay, broker, audit's wait for its
        // batch), and from there to the audit batch's commit.
        string Split(int part)
        {
            var m = new Measurement("", "", events.Count, 1, events.Select(e => e.Parts[part].Ms).ToArray());
            return $"p50 {m.P50:N1} / p99 {m.P99:N1} ms";
        }
        Console.Write($"[request → event stamped {Split(0)}; → audit appends {Split(1)}; → audit commit {Split(2)}] ");
        if (slowMoments)
            Console.Write(SlowMoments.Describe(events));
        return events.Select(e => e.Total).ToArray();
    }

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }
}
