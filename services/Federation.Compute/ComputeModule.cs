using Federation.Compute.Data;
using Federation.Compute.Nodes;
using Federation.ServiceDefaults.Hosting;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Federation.Compute;

/// <summary>
/// The compute role: the node registry (enrolment, liveness, capabilities) today; TES tasks and the hybrid
/// router's decisions join it with issue 8.
/// </summary>
public sealed class ComputeModule : IFederationModule
{
    public const string Name = "compute";

    public string Role => Name;

    public void AddServices(IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<ComputeDbContext>(Name);
        var embedded = string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(Name));
        builder.Services.Configure<NodeRegistryOptions>(builder.Configuration.GetSection(NodeRegistryOptions.Section));
        builder.Services.PostConfigure<NodeRegistryOptions>(o => o.SeedDemo ??= embedded);
        builder.Services.AddHostedService<NodeLivenessMonitor>();
        builder.Services.AddHostedService<DemoNodeSeeder>();
    }

    public void AddConsumers(IBusRegistrationConfigurator bus) =>
        bus.AddInboxConsumer<NodeHeartbeatConsumer, ComputeDbContext>(Name);

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapNodeRegistryApi();
}
