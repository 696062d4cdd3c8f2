namespace Federation.Compute.Nodes;

/// <summary><c>Federation:Compute:Nodes</c>: when a silent node counts as offline, and the embedded demo node.</summary>
public sealed class NodeRegistryOptions
{
    public const string Section = "Federation:Compute:Nodes";

    /// <summary>A node not heard from for this long is offline (node agents beat every 15 s by default: four missed beats).</summary>
    public TimeSpan OfflineAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the registry looks for nodes that went silent.</summary>
    public TimeSpan LivenessPoll { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Enrol the embedded demo node (<c>demo</c>, the node agent's default) as approved at start. Default: on for
    /// the embedded store (no <c>ConnectionStrings:compute</c>), off otherwise.
    /// </summary>
    public bool? SeedDemo { get; set; }
}
