using Federation.ServiceDefaults.Hosting;
using Microsoft.Extensions.Configuration;

namespace Federation.NodeAgent.Audit;

/// <summary>Settings under <c>Federation:NodeAgent:Audit</c>: how often the node seals and sends a checkpoint of its own chain.</summary>
public sealed class NodeAuditOptions
{
    public const string Section = "Federation:NodeAgent:Audit";

    /// <summary>A checkpoint covers at most this many entries, and is sealed as soon as that many wait.</summary>
    public int CheckpointEvery { get; set; } = 100;

    /// <summary>No entry waits longer than this for a checkpoint.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(1);

    public static NodeAuditOptions Read(IConfiguration configuration)
    {
        NodeAuditOptions options;
        try
        {
            options = configuration.GetSection(Section).Get<NodeAuditOptions>() ?? new NodeAuditOptions();
        }
        catch (InvalidOperationException ex)
        {
            throw new StartupConfigurationException($"Invalid {Section} configuration: {ex.Message}");
        }
        if (options.CheckpointEvery is < 1 or > 1000 || options.CheckpointInterval <= TimeSpan.Zero)
            throw new StartupConfigurationException($"{Section}:CheckpointEvery must be between 1 and 1000 and CheckpointInterval longer than zero.");
        return options;
    }
}
