using Federation.Consent.Api;
using Federation.Consent.Consumers;
using Federation.Consent.Data;
using Federation.ServiceDefaults.Hosting;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Federation.Consent;

/// <summary>
/// The consent role: versioned data-use conditions (DUO) per dataset, and the matcher that checks a
/// research purpose against them, on request (<c>/api/consent/evaluate</c>) and for every submitted access
/// request (answered with <c>DataUseCheckCompleted</c>); and subjects' consent withdrawals, sent to the node that holds the dataset.
/// </summary>
public sealed class ConsentModule : IFederationModule
{
    public const string Name = "consent";

    public string Role => Name;

    public void AddServices(IHostApplicationBuilder builder) => builder.AddServiceDatabase<ConsentDbContext>(Name);

    public void AddConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddInboxConsumer<AccessRequestSubmittedConsumer, ConsentDbContext>(Name);
        bus.AddInboxConsumer<DatasetPublishedLocationConsumer, ConsentDbContext>(Name, "dataset-locations");
        bus.AddInboxConsumer<DatasetUpdatedLocationConsumer, ConsentDbContext>(Name, "dataset-locations");
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        app.MapConsentApi();
        app.MapWithdrawalsApi();
    }
}
