using Federation.ServiceDefaults.Hosting;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Federation.Compute;

/// <summary>
/// The compute role: TES tasks, the hybrid router's decisions and the node registry. The role name is reserved and composable today so that deployments and
/// queue names are stable; its store, consumers and API arrive with issue 8.
/// </summary>
public sealed class ComputeModule : IFederationModule
{
    public const string Name = "compute";

    public string Role => Name;

    public void AddServices(IHostApplicationBuilder builder)
    {
    }

    public void AddConsumers(IBusRegistrationConfigurator bus)
    {
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
    }
}
