using System.Globalization;
using Federation.Testing;

namespace Federation.Bench;

/// <summary>
/// Lightweight node agents for the federated search scenarios, each a complete node-agent host (its own
/// configuration, DI container, PostgreSQL database, bus connection and queues, synthetic cohort), all hosted in
/// this bench process. Twenty node processes would not fit two cores: each .NET host JIT-compiles the same code
/// at start and keeps its own runtime, thread pool and GC; in one process that is paid once, while every node
/// still answers queries from its own index on its own queue, as it would at its hospital. One node-agent
/// module cannot serve several nodes inside one host (one options object, one database), so each node gets its host.
/// </summary>
public sealed class LightNodes : IAsyncDisposable
{
    private readonly List<InProcessFederation> hosts = [];

    public int Count => hosts.Count;

    /// <summary>Starts <paramref name="count"/> nodes, a few at a time, each with two datasets (lung, breast) on a small cohort.</summary>
    public static async Task<LightNodes> Start(int count, string prefix, string amqp, PostgresServer postgres, Uri authority)
    {
        var nodes = new LightNodes();
        using var starting = new SemaphoreSlim(4);
        var started = await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await starting.WaitAsync();
            try
            {
                return await StartOne($"{prefix}-{i:D2}", seed: i + 1, amqp, postgres, authority);
            }
            finally
            {
                starting.Release();
            }
        }));
        nodes.hosts.AddRange(started);
        return nodes;
    }

    private static Task<InProcessFederation> StartOne(string node, int seed, string amqp, PostgresServer postgres, Uri authority) =>
        InProcessFederation.StartExactly("node-agent", _ => { },
            // Quiet: these hosts share the bench's console (a database's first connection fails until its migrator creates it).
            "--Logging:LogLevel:Default=Critical",
            $"--ConnectionStrings:rabbitmq={amqp}",
            $"--ConnectionStrings:node-agent={postgres.ForDatabase(node.Replace('-', '_'))}",
            $"--Federation:Security:Authority={authority}",
            $"--Federation:NodeAgent:Node={node}",
            $"--Federation:NodeAgent:DataHolder=holder-of-{node}",
            $"--Federation:NodeAgent:Datasets:0:Id={node}-lung",
            "--Federation:NodeAgent:Datasets:0:Collection=LUNG",
            $"--Federation:NodeAgent:Datasets:0:Title=Lung, {node}",
            "--Federation:NodeAgent:Datasets:0:CancerType=C34",
            $"--Federation:NodeAgent:Datasets:1:Id={node}-breast",
            "--Federation:NodeAgent:Datasets:1:Collection=BREAST",
            $"--Federation:NodeAgent:Datasets:1:Title=Breast, {node}",
            "--Federation:NodeAgent:Datasets:1:CancerType=C50",
            "--Federation:NodeAgent:Synthetic:Subjects=100",
            "--Federation:NodeAgent:Synthetic:Instances=2000",
            $"--Federation:NodeAgent:Synthetic:Seed={seed.ToString(CultureInfo.InvariantCulture)}");

    public async ValueTask DisposeAsync() => await Task.WhenAll(hosts.Select(h => h.DisposeAsync().AsTask()));
}
