using System.Globalization;

namespace Federation.Bench;

/// <summary>Command-line settings. <c>--long</c> multiplies the message counts by 5.</summary>
public sealed record BenchOptions(int Messages, int PayloadBytes, int Concurrency, int Prefetch, int HttpConcurrency, int WarmupSeconds, string Only, string Output)
{
    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions(Messages: 20_000, PayloadBytes: 1024, Concurrency: 256, Prefetch: 100, HttpConcurrency: 64, WarmupSeconds: 30,
            Only: "b0,b1,b1g,mt,f", Output: Path.Combine("bench", "results", "latest.json"));
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
                "--output" => options with { Output = Next() },
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
          --concurrency N       publishes in flight for the broker baselines (default 256)
          --prefetch N          consumer prefetch for B0/B1/B1g/MT (default 100)
          --http-concurrency N  concurrent HTTP callers on the federation path (default 64)
          --warmup SECONDS      load the two federation processes this long before measuring F (default 30)
          --only LIST           scenarios to run, from b0,b1,b1g,mt,f (default all)
          --long                five times the messages (a longer, steadier run)
          --output FILE         JSON results (default bench/results/latest.json)
        """;
}
