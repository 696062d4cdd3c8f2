using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Federation.Testing;

namespace Federation.Bench;

/// <summary>
/// Federated search end to end with N node agents: a researcher's <c>POST /api/search</c> to the discovery role
/// (its own process, with identity), which publishes a count query, waits for every node's answer from its own
/// index, and merges them graded by the caller's rights. One search at a time, varied filters; a search that
/// a node did not answer before the deadline still counts, at its (long) latency, and is reported.
/// </summary>
public static class FederatedSearchLatency
{
    public sealed record Figures(int Nodes, Measurement Searches, int Partial);

    public static async Task<Figures> Run(int nodes, RabbitMqServer broker, PostgresServer postgres, BenchOptions options)
    {
        var name = $"search{nodes}";
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__rabbitmq"] = await broker.CreateVirtualHost($"bench-{name}"),
            ["ConnectionStrings__discovery"] = postgres.ForDatabase($"{name}_discovery"),
            ["ConnectionStrings__identity"] = postgres.ForDatabase($"{name}_identity"),
            ["Logging__LogLevel__Default"] = "Error",
        };
        Console.Write($"search with {nodes} nodes: starting… ");
        await using var central = await HostProcess.Start("discovery,identity", settings.WithIdentity());
        await using var farm = await LightNodes.Start(nodes, $"n{nodes}", settings["ConnectionStrings__rabbitmq"], postgres, central.Client.BaseAddress!);
        using var researcher = await central.SignIn("researcher");
        await Eventually.Until(() => researcher.GetFromJsonAsync<JsonObject>("/api/datasets"), page => page!["total"]!.GetValue<int>() == 2 * nodes,
            TimeSpan.FromMinutes(5), $"the {nodes} nodes' datasets in the catalogue");

        for (var i = 0; i < 20; i++) // unmeasured: JIT of the search path in every process
            await Search(researcher, i, nodes);
        var latencies = new double[options.Searches];
        var partial = 0;
        var silent = new SortedSet<string>(StringComparer.Ordinal);
        var run = Stopwatch.StartNew();
        for (var i = 0; i < latencies.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var notAnswering = await Search(researcher, i, nodes);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (notAnswering.Count > 0)
                partial++;
            silent.UnionWith(notAnswering);
        }
        if (silent.Count > 0)
            Console.Write($"(not answering at least once: {string.Join(", ", silent)}) ");
        var searches = new Measurement($"S{nodes}", $"POST /api/search → {nodes} node agents (count query over the bus) → merged, one at a time",
            latencies.Length, run.Elapsed.TotalSeconds, latencies);
        Console.WriteLine($"p50 {searches.P50:N1} ms, p99 {searches.P99:N1} ms{(partial > 0 ? $", {partial} partial" : "")}");
        return new Figures(nodes, searches, partial);
    }

    /// <summary>One search; the nodes that did not answer before the deadline.</summary>
    private static async Task<List<string>> Search(HttpClient researcher, int i, int nodes)
    {
        using var response = await researcher.PostAsJsonAsync("/api/search", BenchFilters.At(i));
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"Search answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var result = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var report = result["nodes"]!;
        if (report["asked"]!.AsArray().Count != nodes)
            throw new InvalidOperationException($"Discovery asked {report["asked"]!.AsArray().Count} nodes, not {nodes}.");
        return report["notAnswering"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
    }
}
