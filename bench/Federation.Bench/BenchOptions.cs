using System.Globalization;

namespace Federation.Bench;

/// <summary>
/// Command-line settings. <c>--long</c> multiplies the message counts by 5. The node suite (<c>--suite nodes</c>:
/// scenarios <c>index</c> and <c>search</c>) is not in the default run: it indexes millions of images.
/// </summary>
public sealed record BenchOptions(int Messages, int PayloadBytes, int Concurrency, int Prefetch, int HttpConcurrency, int WarmupSeconds, string Only, string Output,
    int Subjects, long Instances, int CountQueries, int Searches, int FixedRate = 0, string FederationQueueType = "classic")
{
    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions(Messages: 20_000, PayloadBytes: 1024, Concurrency: 256, Prefetch: 100, HttpConcurrency: 64, WarmupSeconds: 30,
            Only: "b0,b1,b1g,mt,f,audit", Output: Path.Combine("bench", "results", "latest.json"),
            Subjects: 3_400, Instances: 2_000_000, CountQueries: 500, Searches: 200);
        var longRun = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Number() => int.Parse(Next(), CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--messages" => options with { Messages = Number() },
                "--payload" => options with { PayloadBytes = Number() },
                "--concurrency" => options with { Concurrency = Number() },
                "--prefetch" => options with { Prefetch = Number() },
                "--http-concurrency" => options with { HttpConcurrency = Number() },
                "--warmup" => options with { WarmupSeconds = Number() },
                "--only" => options with { Only = Next() },
                "--suite" => options with { Only = Next() == "nodes" ? "index,search,router" : throw new ArgumentException($"unknown suite\n{Usage}") },
                "--subjects" => options with { Subjects = Number() },
                "--instances" => options with { Instances = long.Parse(Next(), CultureInfo.InvariantCulture) },
                "--count-queries" => options with { CountQueries = Number() },
                "--searches" => options with { Searches = Number() },
                "--output" => options with { Output = Next() },
                "--f-rate" => options with { FixedRate = Number() },
                "--f-queue" => options with { FederationQueueType = Next() is var type and ("classic" or "quorum") ? type : throw new ArgumentException($"--f-queue is classic or quorum\n{Usage}") },
                "--long" => Long(options, out longRun),
                "--help" or "-h" => throw new ArgumentException(Usage),
                _ => throw new ArgumentException($"unknown option {args[i]}\n{Usage}"),
            };
        }
        return options;
    }

    private static BenchOptions Long(BenchOptions options, out bool flag)
    {
        flag = true;
        return options with { Messages = options.Messages * 5, WarmupSeconds = options.WarmupSeconds * 2 };
    }

    public bool Runs(string scenario) => Only.Split(',').Contains(scenario, StringComparer.OrdinalIgnoreCase);

    public const string Usage = """
        usage: dotnet run -c Release --project bench/Federation.Bench -- [options]
          --messages N          messages per baseline and requests for the federation path (default 20000; the F path uses N/2)
          --payload BYTES       message payload size (default 1024)
          --concurrency N       publishes in flight for the broker baselines and the audit producers together (default 256; producers = N/16)
          --prefetch N          consumer prefetch for B0/B1/B1g/MT (default 100)
          --http-concurrency N  concurrent HTTP callers on the federation path (default 64)
          --warmup SECONDS      load the two federation processes this long before measuring F (default 30)
          --only LIST           scenarios to run, from b0,b1,b1g,mt,f,audit (default) and index,search,router (the node suite)
          --suite nodes         the node suite alone: index (one node agent on a large hospital's cohort), search (3 and 20 nodes), router (decisions/s)
          --subjects N          subjects of the node at scale (default 3400)
          --instances N         images of the node at scale (default 2000000)
          --count-queries N     count queries measured at the node at scale (default 500)
          --searches N          federated searches measured with 3 and with 20 nodes (default 200)
          --long                five times the messages (a longer, steadier run)
          --f-rate N            offered load of F½ in requests/s (default: half of F's measured maximum); the same N in two
                                runs compares two builds at one load on a machine whose maximum varies from run to run
          --f-queue TYPE        queue type of the federation path: classic (default: a single broker, as B0/B1/B1g/MT use) or
                                quorum (what a RabbitMQ cluster runs: each delivery waits for the replicated log's fsync)
          --output FILE         JSON results (default bench/results/latest.json)
        """;
}
