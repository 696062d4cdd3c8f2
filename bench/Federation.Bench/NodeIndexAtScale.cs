using System.Diagnostics;
using System.Globalization;
using Federation.Testing;
using Npgsql;

namespace Federation.Bench;

/// <summary>What one node run measured: index time, memory (peak and at the end), database size, count queries.</summary>
public sealed record NodeRun(int Subjects, long Instances, double IndexSeconds, double PeakRssMb, double RssAfterMb, double DbSizeMb, Measurement Counts);

/// <summary>The node at scale, and the same node on a tiny cohort: the difference is what the index itself costs in memory.</summary>
public sealed record NodeFigures(NodeRun AtScale, NodeRun Baseline);

/// <summary>
/// One node agent, a Host process as deployed (its own PostgreSQL database, the broker), on a synthetic cohort of a
/// large hospital's share of the federation, loaded through the normal indexing path (first start: a reconciliation
/// pass in pages). Measures the time to index, the process's peak resident memory (the kernel's VmHWM: the index must
/// live in the database, not in memory), the database's size, then the node's count-query latency over the bus.
/// The same node on a tiny cohort (100 subjects, 2,000 images) runs first: its peak is what the process costs
/// whatever it indexes (runtime, framework, libraries, JIT-compiled code).
/// </summary>
public static class NodeIndexAtScale
{
    public static async Task<NodeFigures> Run(RabbitMqServer broker, PostgresServer postgres, BenchOptions options)
    {
        Console.Write("node on a tiny cohort (baseline): ");
        var baseline = await RunNode("node_baseline", 100, 2_000, Math.Min(options.CountQueries, 200), broker, postgres);
        Console.Write($"node at scale: {options.Subjects:N0} subjects, {options.Instances:N0} images: ");
        var atScale = await RunNode("node_at_scale", options.Subjects, options.Instances, options.CountQueries, broker, postgres);
        return new NodeFigures(atScale, baseline);
    }

    private static async Task<NodeRun> RunNode(string name, int subjects, long instances, int queries, RabbitMqServer broker, PostgresServer postgres)
    {
        var database = postgres.ForDatabase(name);
        var amqp = await broker.CreateVirtualHost($"bench-{name}");
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__rabbitmq"] = amqp,
            ["ConnectionStrings__node-agent"] = database,
            // A node agent serves no API, so it validates no token: an authority nobody answers at is never asked.
            ["Federation__Security__Authority"] = "http://127.0.0.1:9/",
            ["Federation__NodeAgent__Node"] = "node-large",
            ["Federation__NodeAgent__DataHolder"] = "large-hospital",
            ["Federation__NodeAgent__Datasets__0__Id"] = "large-lung",
            ["Federation__NodeAgent__Datasets__0__Collection"] = "LUNG",
            ["Federation__NodeAgent__Datasets__0__Title"] = "Lung, large hospital",
            ["Federation__NodeAgent__Datasets__0__CancerType"] = "C34",
            ["Federation__NodeAgent__Datasets__1__Id"] = "large-breast",
            ["Federation__NodeAgent__Datasets__1__Collection"] = "BREAST",
            ["Federation__NodeAgent__Datasets__1__Title"] = "Breast, large hospital",
            ["Federation__NodeAgent__Datasets__1__CancerType"] = "C50",
            ["Federation__NodeAgent__Synthetic__Subjects"] = subjects.ToString(CultureInfo.InvariantCulture),
            ["Federation__NodeAgent__Synthetic__Instances"] = instances.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in OperatorRuntimeSettings())
            settings[key] = value;
        await using var client = await CountQueryClient.Connect(amqp);
        var clock = Stopwatch.StartNew();
        await using var node = await HostProcess.Start("node-agent", settings);
        var pid = node.ProcessId ?? throw new InvalidOperationException("The node process has no id.");
        await Eventually.Until(() => Indexed(database), done => done, TimeSpan.FromMinutes(60), $"{name} to index its cohort and publish");
        var indexSeconds = clock.Elapsed.TotalSeconds;
        Console.Write($"indexed in {indexSeconds:N0} s, peak RSS {ProcessMemory.Of(pid).PeakRssMb:N0} MB; ");

        var timeout = TimeSpan.FromSeconds(10);
        for (var i = 0; i < 50; i++) // unmeasured: JIT of the query path in both processes
            await client.Ask(BenchFilters.At(i), timeout);
        var latencies = new double[queries];
        var run = Stopwatch.StartNew();
        for (var i = 0; i < latencies.Length; i++)
        {
            var (answer, ms) = await client.Ask(BenchFilters.At(i), timeout);
            if (answer.Node != "node-large")
                throw new InvalidOperationException($"An answer from {answer.Node}?");
            latencies[i] = ms;
        }
        var counts = new Measurement("COUNT", $"count query over the bus to a node of {instances:N0} images, one at a time, varied filters",
            latencies.Length, run.Elapsed.TotalSeconds, latencies);
        var (rss, peak) = ProcessMemory.Of(pid);
        Console.WriteLine($"count p50 {counts.P50:N1} ms, p99 {counts.P99:N1} ms, peak RSS {peak:N0} MB");
        return new NodeRun(subjects, instances, indexSeconds, peak, rss, await DatabaseMegabytes(database), counts);
    }

    /// <summary>The runtime settings operators give a node agent (<c>services/Federation.NodeAgent/node-agent.env</c>), as documented.</summary>
    private static IEnumerable<(string Key, string Value)> OperatorRuntimeSettings() =>
        File.ReadAllLines(Path.Combine(RepoPaths.Root, "services", "Federation.NodeAgent", "node-agent.env"))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('=', 2) is [var key, var value] ? (key.Trim(), value.Trim()) : throw new FormatException($"node-agent.env: '{line}' is not KEY=VALUE"));

    /// <summary>The first pass is over and both datasets are published.</summary>
    private static async Task<bool> Indexed(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT (SELECT reconciled AND reconcile_next IS NULL FROM index_cursor WHERE id = 1)
               AND (SELECT count(*) FROM published_datasets) = 2
            """, connection);
        try
        {
            return await command.ExecuteScalarAsync() is true;
        }
        catch (PostgresException)
        {
            return false; // the schema is not there yet
        }
    }

    private static async Task<double> DatabaseMegabytes(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
        return (long)(await command.ExecuteScalarAsync())! / 1024.0 / 1024.0;
    }
}
