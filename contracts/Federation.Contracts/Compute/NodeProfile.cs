namespace Federation.Contracts.Compute;

/// <summary>
/// A data node as its hospital describes it when asking to join: who runs it, where, what it may do
/// (<see cref="Tier"/>) and what it can run (<see cref="Capabilities"/>).
/// </summary>
/// <param name="Node">The node's name, unique in the federation (its client id is <c>node-&lt;name&gt;</c>).</param>
/// <param name="Tier">One of <see cref="NodeTiers"/>.</param>
public sealed record NodeProfile(string Node, string Country, string Institution, string DataHolder, string Tier, NodeCapabilities Capabilities);

/// <summary>What a node can run: the hybrid router's capability filters and cost scores read these.</summary>
public sealed record NodeCapabilities(int Cpus, long MemoryBytes, int Gpus, long GpuMemoryBytes, long BandwidthBitsPerSecond);

/// <summary>What an enrolled node takes part in, from least to most.</summary>
public static class NodeTiers
{
    /// <summary>Publishes dataset descriptions only.</summary>
    public const string MetadataOnly = "metadata-only";

    /// <summary>Also answers federated count queries.</summary>
    public const string Searchable = "searchable";

    /// <summary>Also runs approved computations on its data.</summary>
    public const string ProcessingCapable = "processing-capable";

    public static readonly IReadOnlyList<string> All = [MetadataOnly, Searchable, ProcessingCapable];
}
