using Federation.ServiceDefaults.Hosting;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Federation.Consent;

/// <summary>
/// The consent role: data-use conditions (DUO) per dataset and subject consent withdrawals. The role name is reserved and composable today so that deployments and
/// queue names are stable; its store, consumers and API arrive with issue 6.
/// </summary>
public sealed class ConsentModule : IFederationModule
{
    public const string Name = "consent";

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
