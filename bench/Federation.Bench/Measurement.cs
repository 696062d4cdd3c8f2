using System.Text.Json.Serialization;

namespace Federation.Bench;

/// <summary>Throughput and latency of one scenario.</summary>
public sealed record Measurement(string Scenario, string Description, int Messages, double Seconds, double[] LatenciesMs)
{
    public double PerSecond => Messages / Seconds;

    public double P50 => Percentile(0.50);

    public double P99 => Percentile(0.99);

    public double P999 => Percentile(0.999);

    [JsonIgnore]
    public double[] Sorted { get; } = LatenciesMs.Order().ToArray();

    public double Percentile(double p) =>
        Sorted.Length == 0 ? double.NaN : Sorted[Math.Clamp((int)Math.Ceiling(p * Sorted.Length) - 1, 0, Sorted.Length - 1)];

    public string Row() => $"| {Scenario,-6} | {PerSecond,12:N0} | {P50,8:N1} | {P99,8:N1} | {P999,8:N1} | {Messages,8:N0} | {Description}";

    public const string Header = "| run    |  msgs or ev/s |  p50 ms |  p99 ms | p99.9 ms |    count | what\n|--------|--------------|---------|---------|----------|----------|-----";
}
