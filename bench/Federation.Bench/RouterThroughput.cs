using System.Diagnostics;
using Federation.Compute.Routing;
using Federation.Contracts.Compute;

namespace Federation.Bench;

/// <summary>
/// The hybrid router's decisions per second at the federation's planned size: 30 nodes in 15 countries, 100 datasets
/// (some institution- or country-bound, some federated-only, some nodes offline or without GPUs), tasks of 1 to 10
/// datasets. A pure function, so this measures only the rules and the scoring; no baseline is needed.
/// </summary>
public static class RouterThroughput
{
    public static Measurement Run(int decisions)
    {
        var random = new Random(42);
        const long GiB = 1L << 30;
        var nodes = Enumerable.Range(0, 30).Select(i => new NodeFacts(
            $"node-{i:00}", $"C{i % 15:00}", $"Hospital {i}", i % 6 == 0 ? NodeTiers.Searchable : NodeTiers.ProcessingCapable, true, i % 10 != 9,
            new NodeCapabilities(8 + i % 4 * 8, (32 + i % 3 * 32) * GiB, i % 3, i % 3 == 0 ? 0 : 24 * GiB, 100_000_000L * (1 + i % 10)),
            random.Next(0, 8), i % 5 == 0 ? ["builtin:*"] : null)).ToDictionary(n => n.Name);
        var datasets = Enumerable.Range(0, 100).Select(i => new DatasetFacts(
            $"ds-{i:000}", $"node-{i % 30:00}", (long)(random.NextDouble() * 200 * GiB), i % 7 == 0 ? "federated" : i % 3 == 0 ? "open" : "controlled",
            InstitutionBound: i % 11 == 0, Countries: i % 13 == 0 ? [$"C{i % 15:00}"] : null)).ToDictionary(d => d.Id);
        var context = new RoutingContext(datasets, nodes, new CentralFacts("C00", "Central", new NodeCapabilities(64, 512 * GiB, 8, 80 * GiB, 10_000_000_000), 3),
            datasets.Keys.Where((_, i) => i % 97 != 0).ToHashSet(), TimeSpan.FromMinutes(5));
        var ids = datasets.Keys.ToArray();
        var requests = Enumerable.Range(0, 1000).Select(i => new RoutingRequest($"t{i}",
            new TaskAlgorithm(i % 4 == 0 ? "registry.example/train:1" : "builtin:fedavg-logistic", 20_000_000),
            new TaskResources(4, 16 * GiB, i % 3 == 0 ? 1 : 0, i % 3 == 0 ? 16 * GiB : 0),
            Enumerable.Range(0, 1 + i % 10).Select(_ => ids[random.Next(ids.Length)]).ToList(),
            i % 5 == 0 ? PlacementPreference.AtData : PlacementPreference.Auto)).ToArray();

        for (var i = 0; i < 2000; i++) // warm-up: JIT
            HybridRouter.Decide(requests[i % requests.Length], context);
        var latencies = new double[decisions];
        var routed = 0;
        var total = Stopwatch.StartNew();
        for (var i = 0; i < decisions; i++)
        {
            var start = Stopwatch.GetTimestamp();
            if (HybridRouter.Decide(requests[i % requests.Length], context).Routed)
                routed++;
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        total.Stop();
        return new Measurement("router", $"hybrid router decisions, 30 nodes, 100 datasets, 1-10 datasets per task ({routed * 100 / decisions}% routed)",
            decisions, total.Elapsed.TotalSeconds, latencies);
    }
}
