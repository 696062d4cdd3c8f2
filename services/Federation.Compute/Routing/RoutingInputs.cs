using Federation.Contracts.Compute;

namespace Federation.Compute.Routing;

/// <summary>Where a task asks to run: let the router choose, keep every dataset at its node, or bring all data to the central node.</summary>
public enum PlacementPreference
{
    Auto,
    AtData,
    Central,
}

/// <summary>What a task needs to run, per executor instance (one per node, or one at the central node).</summary>
public sealed record TaskResources(int Cpus, long MemoryBytes, int Gpus = 0, long GpuMemoryBytes = 0);

/// <summary>The code a task runs: a built-in algorithm (<c>builtin:&lt;name&gt;</c>) or a container image, and how big it is to ship.</summary>
public sealed record TaskAlgorithm(string Id, long CodeBytes)
{
    public bool IsBuiltIn => Id.StartsWith("builtin:", StringComparison.Ordinal);
}

/// <summary>
/// Everything the router decides on, gathered by the caller (task API) from the registry, the catalogue, consent and
/// the researcher's visas. The router itself reads nothing: it is a pure function of this.
/// </summary>
public sealed record RoutingRequest(
    string TaskId,
    TaskAlgorithm Algorithm,
    TaskResources Resources,
    IReadOnlyList<string> Datasets,
    PlacementPreference Preference = PlacementPreference.Auto,
    string? PreferredAggregator = null);

/// <summary>Where a dataset may go, from its data-use conditions (DUO IS, GS) and its access model.</summary>
/// <param name="AccessModel"><c>open</c>, <c>registered</c>, <c>controlled</c> (may be copied to the central node under an entitlement) or <c>federated</c> (never leaves its node).</param>
/// <param name="InstitutionBound">DUO IS (institution-specific restriction): only the holding institution may process it.</param>
/// <param name="Countries">DUO GS (geographical restriction): the countries where it may be processed; empty means anywhere.</param>
public sealed record DatasetFacts(string Id, string Node, long SizeBytes, string AccessModel, bool InstitutionBound = false, IReadOnlyList<string>? Countries = null);

/// <summary>A data node as the registry knows it now.</summary>
/// <param name="AllowedAlgorithms">The node's local policy: algorithm ids it runs (<c>builtin:*</c> allows every built-in one); null: built-ins only.</param>
public sealed record NodeFacts(
    string Name,
    string Country,
    string Institution,
    string Tier,
    bool Approved,
    bool Online,
    NodeCapabilities Capabilities,
    int QueueLength,
    IReadOnlyList<string>? AllowedAlgorithms = null);

/// <summary>The central node as a place to run: its own capabilities, queue, location and policy.</summary>
public sealed record CentralFacts(string Country, string Institution, NodeCapabilities Capabilities, int QueueLength, IReadOnlyList<string>? AllowedAlgorithms = null);

/// <summary>The world at decision time: datasets, nodes, the central node, and which datasets the researcher's visas cover now.</summary>
public sealed record RoutingContext(
    IReadOnlyDictionary<string, DatasetFacts> Datasets,
    IReadOnlyDictionary<string, NodeFacts> Nodes,
    CentralFacts Central,
    IReadOnlySet<string> EntitledDatasets,
    TimeSpan ExpectedTaskDuration);
