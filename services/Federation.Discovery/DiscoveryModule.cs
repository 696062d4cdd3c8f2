using Federation.ServiceDefaults.Hosting;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Federation.Discovery;

/// <summary>
/// The discovery role: the dataset catalogue and federated search. The role name is reserved and composable today so that deployments and
/// queue names are stable; its store, consumers and API arrive with issue 7.
/// </summary>
public sealed class DiscoveryModule : IFederationModule
{
    public const string Name = "discovery";

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
