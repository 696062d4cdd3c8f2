using Federation.Compute.Catalogue;
using Federation.Compute.Data;
using Federation.Compute.Execution;
using Federation.Compute.Nodes;
using Federation.Compute.Tasks;
using Federation.Compute.Transfers;
using Federation.ServiceDefaults.Hosting;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using Federation.ServiceDefaults.Projections;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Federation.Compute;

/// <summary>
/// The compute role: the node registry (enrolment, liveness, capabilities), the GA4GH TES task API with the hybrid
/// router's decision for every task, and the central node's process executor for tasks that read no dataset.
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
        builder.Services.Configure<CentralOptions>(builder.Configuration.GetSection(CentralOptions.Section));
        var own = FederationHost.OwnUrl(builder.Configuration);
        builder.Services.PostConfigure<CentralOptions>(o => o.PublicUrl ??= own);
        builder.Services.AddSingleton<Transfers.TransferStore>();
        builder.Services.AddHostedService<CentralExecutor>();
        // The access role's passport endpoint, where a task's owner's visas come from (default: this process).
        var access = builder.Configuration["Federation:Compute:AccessUrl"] is { Length: > 0 } url ? new Uri(url) : FederationHost.OwnUrl(builder.Configuration);
        builder.Services.AddHttpClient<Passports>(http =>
        {
            http.BaseAddress = access;
            http.Timeout = TimeSpan.FromSeconds(10);
        });
    }

    public void AddConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddInboxConsumer<NodeHeartbeatConsumer, ComputeDbContext>(Name);
        // What the router knows: where datasets are and where their data may go (one queue: a dataset's events in order) ...
        bus.AddInboxConsumer<DatasetPublishedFactsConsumer, ComputeDbContext>(Name, "datasets");
        bus.AddInboxConsumer<DatasetUpdatedFactsConsumer, ComputeDbContext>(Name, "datasets");
        bus.AddInboxConsumer<DatasetRetiredFactsConsumer, ComputeDbContext>(Name, "datasets");
        bus.AddInboxConsumer<DataUseConditionsFactsConsumer, ComputeDbContext>(Name, "dataset-conditions");
        // ... and who is entitled to what; an entitlement that ends also stops the tasks that relied on it.
        bus.AddEntitlementConsumers<ComputeDbContext>(Name);
        bus.AddInboxConsumer<EntitlementRevokedTasksConsumer, ComputeDbContext>(Name, "task-entitlements");
        bus.AddInboxConsumer<EntitlementExpiredTasksConsumer, ComputeDbContext>(Name, "task-entitlements");
        bus.AddInboxConsumer<TaskPartFinishedConsumer, ComputeDbContext>(Name, "task-parts");
        bus.AddInboxConsumer<TaskPartHeldConsumer, ComputeDbContext>(Name, "task-parts");
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        app.MapNodeRegistryApi();
        app.MapTesApi();
        app.MapTransferApi();
    }
}
