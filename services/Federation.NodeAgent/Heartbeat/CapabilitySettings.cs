using Federation.Contracts.Compute;

namespace Federation.NodeAgent.Heartbeat;

/// <summary>
/// <c>Federation:NodeAgent:Capabilities</c>: what the node's operator offers to computations. CPUs and memory
/// default to what this process sees (its container's limits); GPUs and the uplink cannot be detected portably
/// and are declared.
/// </summary>
public sealed class CapabilitySettings
{
    public int? Cpus { get; set; }
    public long? MemoryBytes { get; set; }
    public int Gpus { get; set; }

    /// <summary>Memory per GPU.</summary>
    public long GpuMemoryBytes { get; set; }

    public long BandwidthBitsPerSecond { get; set; } = 1_000_000_000;

    public NodeCapabilities Current() => new(
        Cpus ?? Environment.ProcessorCount,
        MemoryBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        Gpus,
        Gpus > 0 ? GpuMemoryBytes : 0,
        BandwidthBitsPerSecond);
}
