using Federation.AccessRequests.Api;
using Federation.AccessRequests.Consumers;
using Federation.AccessRequests.Data;
using Federation.AccessRequests.Visas;
using Federation.AccessRequests.Review;
using Federation.ServiceDefaults.Hosting;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Federation.AccessRequests;

/// <summary>The access role: what it stores, listens to and serves.</summary>
public sealed class AccessRequestsModule : IFederationModule
{
    public const string Name = "access";

    /// <summary>
    /// The keyed <see cref="TimeProvider"/> that dates decisions and drives deadlines. The system clock,
    /// unless a test registers its own under this key to move review time forward on purpose.
    /// </summary>
    public const string ClockKey = "access";

    public string Role => Name;

    public void AddServices(IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<AccessDbContext>(Name);
        builder.Services.TryAddKeyedSingleton(ClockKey, TimeProvider.System);
        builder.Services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.Section);
        builder.Services.AddHostedService<ReviewClock>();
        builder.AddVisas();
    }

    public void AddConsumers(IBusRegistrationConfigurator bus) =>
        bus.AddInboxConsumer<ConsentCheckConsumer, AccessDbContext>(Name);

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        app.MapAccessRequestsApi();
        app.MapReviewPoliciesApi();
        app.MapEntitlementsApi();
        app.MapPassportApi();
    }
}
