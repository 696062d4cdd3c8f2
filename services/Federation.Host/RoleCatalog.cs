using Federation.AccessRequests;
using Federation.Audit;
using Federation.Compute;
using Federation.Consent;
using Federation.Discovery;
using Federation.Identity;
using Federation.NodeAgent;
using Federation.ServiceDefaults.Hosting;

namespace Federation.Host;

/// <summary>Every role this binary can run, in start-up order. A module is created only when its role runs.</summary>
public static class RoleCatalog
{
    public static IReadOnlyList<RoleDefinition> All { get; } =
    [
        new(IdentityModule.Name, () => new IdentityModule()),
        new(AccessRequestsModule.Name, () => new AccessRequestsModule()),
        new(ConsentModule.Name, () => new ConsentModule()),
        new(DiscoveryModule.Name, () => new DiscoveryModule()),
        new(ComputeModule.Name, () => new ComputeModule()),
        new(AuditModule.Name, () => new AuditModule()),
        new(NodeAgentModule.Name, () => new NodeAgentModule()),
    ];
}
