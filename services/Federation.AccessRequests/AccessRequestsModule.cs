using Federation.AccessRequests.Api;
using Federation.AccessRequests.Data;
using Federation.ServiceDefaults.Hosting;
using Federation.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Federation.AccessRequests;

/// <summary>The access role: what it stores, listens to and serves.</summary>
public sealed class AccessRequestsModule : IFederationModule
{
    public const string Name = "access";

    public string Role => Name;

    public void AddServices(IHostApplicationBuilder builder) => builder.AddServiceDatabase<AccessDbContext>(Name);

    public void AddConsumers(IBusRegistrationConfigurator bus)
    {
        // Nothing yet: review, consent checks and timers arrive with the access issue.
    }

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapAccessRequestsApi();
}
