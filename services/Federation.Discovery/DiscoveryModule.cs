using Federation.Discovery.Api;
using Federation.Discovery.Catalogue;
using Federation.Discovery.Data;
using Federation.Discovery.Search;
using Federation.ServiceDefaults.Hosting;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using Federation.ServiceDefaults.Projections;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Federation.Discovery;

/// <summary>
/// The discovery role: the dataset catalogue, kept from the descriptions node agents publish; browsing
/// it; and federated search, answered by every node from its own index and graded by the caller's rights.
/// </summary>
public sealed class DiscoveryModule : IFederationModule
{
    public const string Name = "discovery";

    public string Role => Name;

    public void AddServices(IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<DiscoveryDbContext>(Name);
        builder.Services.AddOptions<SearchOptions>().BindConfiguration(SearchOptions.Section);
        builder.Services.AddSingleton<PendingQueries>();
        builder.Services.AddScoped<FederatedSearch>();
    }

    public void AddConsumers(IBusRegistrationConfigurator bus)
    {
        // One queue for the three: a dataset's events then apply in the order its node published them.
        bus.AddInboxConsumer<DatasetPublishedConsumer, DiscoveryDbContext>(Name, "catalogue");
        bus.AddInboxConsumer<DatasetUpdatedConsumer, DiscoveryDbContext>(Name, "catalogue");
        bus.AddInboxConsumer<DatasetRetiredConsumer, DiscoveryDbContext>(Name, "catalogue");
        bus.AddEntitlementConsumers<DiscoveryDbContext>(Name);
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        app.MapCatalogueApi();
        app.MapSearchApi();
    }
}
