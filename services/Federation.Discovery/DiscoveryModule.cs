using Federation.Discovery.Api;
using Federation.Discovery.Catalogue;
using Federation.Discovery.Data;
using Federation.ServiceDefaults.Hosting;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Federation.Discovery;

/// <summary>
/// The discovery role: the dataset catalogue, kept from the descriptions node agents publish, and
/// browsing it. Federated search across nodes arrives next (issue 7).
/// </summary>
public sealed class DiscoveryModule : IFederationModule
{
    public const string Name = "discovery";

    public string Role => Name;

    public void AddServices(IHostApplicationBuilder builder) => builder.AddServiceDatabase<DiscoveryDbContext>(Name);

    public void AddConsumers(IBusRegistrationConfigurator bus)
    {
        // One queue for the three: a dataset's events then apply in the order its node published them.
        bus.AddInboxConsumer<DatasetPublishedConsumer, DiscoveryDbContext>(Name, "catalogue");
        bus.AddInboxConsumer<DatasetUpdatedConsumer, DiscoveryDbContext>(Name, "catalogue");
        bus.AddInboxConsumer<DatasetRetiredConsumer, DiscoveryDbContext>(Name, "catalogue");
    }

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapCatalogueApi();
}
