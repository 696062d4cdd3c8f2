using Federation.AccessRequests;
using Federation.Audit;
using Federation.Compute;
using Federation.Consent;
using Federation.Discovery;
using Federation.Identity;
using Federation.NodeAgent;
using Federation.ServiceDefaults.Hosting;

namespace Federation.Host;

/// <summary>Every role this binary can run, in start-up order.</summary>
public static class RoleCatalog
{
    public static IReadOnlyList<IFederationModule> All { get; } =
    [
        new IdentityModule(),
        new AccessRequestsModule(),
        new ConsentModule(),
        new DiscoveryModule(),
        new ComputeModule(),
        new AuditModule(),
        new NodeAgentModule(),
    ];
}
