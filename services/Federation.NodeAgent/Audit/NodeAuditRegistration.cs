using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Federation.NodeAgent.Audit;

/// <summary>The node's local audit chain: its settings and the sealer (the chain itself is written by the task consumer's hook).</summary>
public static class NodeAuditRegistration
{
    public static void AddNodeAudit(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(NodeAuditOptions.Read(builder.Configuration));
        builder.Services.AddHostedService<LocalAuditSealer>();
    }
}
