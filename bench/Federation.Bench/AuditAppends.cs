using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Federation.Contracts;
using Federation.Contracts.Access;
using Federation.ServiceDefaults.Events;
using Federation.Testing;
using MassTransit;
using Npgsql;

namespace Federation.Bench;

/// <summary>
/// A: audit appends per second. One audit process (quorum queue, PostgreSQL with fsync on) and P producers in the bench
/// process publishing stamped events at once (each producer its own aggregates, in version order, with a bounded number
/// of publishes in flight). Throughput is events recorded ÷ time from the first publish to the last entry committed;
/// latency is each entry's recording time minus its occurrence. Then the chain is checked: sequences without gaps, one
/// entry per event, and <c>GET /api/audit/verify</c> over the whole chain (hashes, links, signed checkpoints).
/// </summary>
public static class AuditAppends
{
    public sealed record Figures(Measurement Appends, int Producers, bool Verified, long Entries, int Checkpoints, bool GapFree, long VersionInversions);

    public static async Task<Figures> Run(RabbitMqServer broker, PostgresServer postgres, BenchOptions options)
    {
        var database = postgres.ForDatabase("bench_audit");
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__rabbitmq"] = await broker.CreateVirtualHost("bench-audit"),
            ["ConnectionStrings__audit"] = database,
            ["ConnectionStrings__identity"] = postgres.ForDatabase("bench_audit_identity"),
            ["Logging__LogLevel__Default"] = "Error",
        };
        Console.Write("audit appends: starting… ");
        await using var audit = await HostProcess.Start("audit,identity", settings.WithIdentity());
        using var auditor = await audit.SignIn("auditor");
        var bus = await Publisher(settings["ConnectionStrings__rabbitmq"]);
        try
        {
            var producers = Math.Clamp(options.Concurrency / 16, 2, 64);
            await Round(bus, database, producers, Math.Min(options.Messages, 3000), options); // unmeasured: JIT in the audit process
            var (measurement, inversions) = await Round(bus, database, producers, options.Messages, options);

            var (rows, min, max) = await Span(database);
            var (verified, entries, checkpoints) = await VerifyAll(auditor);
            var figures = new Figures(measurement, producers, verified, entries, checkpoints, min == 1 && max == rows, inversions);
            Console.WriteLine($"{measurement.PerSecond:N0} appends/s, p99 {measurement.P99:N1} ms; chain of {rows:N0} entries " +
                $"{(figures.GapFree ? "gap-free" : "WITH GAPS")}, verify {(verified ? "passed" : "FAILED")} ({checkpoints} checkpoints)");
            return figures;
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    /// <summary>One round of <paramref name="count"/> events from <paramref name="producers"/> producers; returns the measurement and how
    /// many pairs of one aggregate's events the chain holds in the other order than they were published (information, not an error).</summary>
    private static async Task<(Measurement, long)> Round(IBusControl bus, string database, int producers, int count, BenchOptions options)
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var title = new string('t', Math.Clamp((options.PayloadBytes - 600) / 2, 1, 2000)); // twice in the event: about the payload size asked for
        var perProducer = (count + producers - 1) / producers;
        var inFlight = Math.Max(1, options.Concurrency / producers);
        var clock = Stopwatch.StartNew();
        var started = DateTime.UtcNow;
        await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            var stamp = new EventStamp(new Actor($"bench-producer-{p}", "system"), Guid.NewGuid(), TimeProvider.System);
            using var window = new SemaphoreSlim(inFlight);
            var sends = new List<Task>(perProducer);
            for (var i = 0; i < perProducer && p * perProducer + i < count; i++)
            {
                // Ten aggregates per producer, each with versions 1, 2, 3, … in publish order.
                var aggregate = $"{marker}-{p}-{i % 10}";
                // As the access role publishes a draft: with the request's snapshot (its purpose in words and DUO terms).
                var requestId = Guid.NewGuid();
                var evt = stamp.Stamp(new AccessRequestDrafted
                {
                    RequestId = requestId, Title = title, Applicant = $"bench-producer-{p}", DatasetIds = ["bench-dataset"],
                    Request = new AccessRequestSnapshot(requestId, 1, "draft", title, "bench purpose", new ResearchPurposeTerms(["DUO:0000042"], [], false, false, "DE", null, null),
                        $"bench-producer-{p}", [], null, null, [new DatasetSubRequest("bench-dataset", "bench-holder", "pending", null, null, null)]),
                }, aggregate, i / 10 + 1);
                await window.WaitAsync();
                sends.Add(Send(bus, evt, window));
            }
            await Task.WhenAll(sends);
        })));
        await Eventually.Until(() => Count(database, marker), n => n >= count, TimeSpan.FromMinutes(10), $"{count} audit entries");
        var seconds = clock.Elapsed.TotalSeconds;
        var latencies = await Latencies(database, marker);
        var inversions = await Inversions(database, marker);
        return (new Measurement("A", $"audit appends: {producers} producers → RabbitMQ → audit process → hash chain + refs + inbox committed (PostgreSQL)",
            count, seconds, latencies), inversions);
    }

    private static async Task Send(IBus bus, AccessRequestDrafted evt, SemaphoreSlim window)
    {
        try
        {
            await bus.Publish(evt, context => context.MessageId = evt.EventId);
        }
        finally
        {
            window.Release();
        }
    }

    private static async Task<IBusControl> Publisher(string amqpUrl)
    {
        var uri = new Uri(amqpUrl);
        var vhost = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(uri.Host, (ushort)uri.Port, string.IsNullOrEmpty(vhost) ? "/" : vhost, h =>
        {
            h.Username("guest");
            h.Password("guest");
            h.PublisherConfirmation = true;
        }));
        await bus.StartAsync();
        return bus;
    }

    /// <summary>Verifies the whole chain, one call per <c>next</c>.</summary>
    private static async Task<(bool Verified, long Entries, int Checkpoints)> VerifyAll(HttpClient auditor)
    {
        var (verified, entries, checkpoints) = (true, 0L, 0);
        long? from = null;
        do
        {
            var report = (await auditor.GetFromJsonAsync<JsonObject>($"/api/audit/verify{(from is null ? "" : $"?from={from}")}"))!;
            verified &= report["verified"]!.GetValue<bool>();
            entries += report["entries"]!.GetValue<long>();
            checkpoints += report["checkpoints"]!.GetValue<int>();
            from = report["next"]?.GetValue<long>();
        } while (from is not null);
        return (verified, entries, checkpoints);
    }

    private static async Task<long> Count(string database, string marker) =>
        await Scalar(database, "SELECT count(*) FROM audit_entries WHERE aggregate_id LIKE @m || '-%'", marker);

    private static async Task<double[]> Latencies(string database, string marker)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT EXTRACT(EPOCH FROM (recorded_at - occurred_at)) * 1000 FROM audit_entries WHERE aggregate_id LIKE @m || '-%'", connection);
        command.Parameters.AddWithValue("m", marker);
        var latencies = new List<double>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            latencies.Add(Convert.ToDouble(reader.GetValue(0)));
        return [.. latencies];
    }

    private static Task<long> Inversions(string database, string marker) => Scalar(database, """
        SELECT count(*) FROM (
          SELECT aggregate_version, lag(aggregate_version) OVER (PARTITION BY aggregate_id ORDER BY sequence) AS previous
          FROM audit_entries WHERE aggregate_id LIKE @m || '-%') chained
        WHERE previous > aggregate_version
        """, marker);

    private static async Task<(long Rows, long Min, long Max)> Span(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*), min(sequence), max(sequence) FROM audit_entries", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private static async Task<long> Scalar(string database, string sql, string marker)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("m", marker);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
