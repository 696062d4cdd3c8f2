using Federation.Contracts.Compute;

namespace Federation.Compute.Tasks;

/// <summary><c>Federation:Compute:Central</c>: the central node as a place to run tasks, and what it lets run.</summary>
public sealed class CentralOptions
{
    public const string Section = "Federation:Compute:Central";

    /// <summary>Where the central node is (ISO 3166-1 alpha-2): DUO geography restrictions are checked against it.</summary>
    public string Country { get; set; } = "DE";

    public string Institution { get; set; } = "Federation central node";
    public int? Cpus { get; set; }
    public long? MemoryBytes { get; set; }
    public int Gpus { get; set; }
    public long GpuMemoryBytes { get; set; }

    /// <summary>
    /// Executor images the central node runs as plain processes (the TES process executor: the command runs in a
    /// fresh working directory, not in a container). Empty by default: an operator names what may run.
    /// </summary>
    public List<string> ProcessImages { get; set; } = [];

    /// <summary>Where nodes reach the central node to upload moved datasets (default: this process's own URL).</summary>
    public Uri? PublicUrl { get; set; }

    /// <summary>What the router assumes a task takes, to turn queue lengths into waiting time.</summary>
    public TimeSpan ExpectedTaskDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a process executor may run before it is stopped (EXECUTOR_ERROR).</summary>
    public TimeSpan ExecutorTimeout { get; set; } = TimeSpan.FromMinutes(30);

    public NodeCapabilities Capabilities() => new(
        Cpus ?? Environment.ProcessorCount, MemoryBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, Gpus, GpuMemoryBytes, long.MaxValue);

    /// <summary>
    /// The router's view of the central node's policy: the process images only. The built-in algorithms read a node's
    /// own index (counts, training features), which the central node does not have: they run at the data.
    /// </summary>
    public IReadOnlyList<string> AllowedAlgorithms() => [.. ProcessImages];
}
