using Federation.Audit.Api;
using Federation.Audit.Consumers;
using Federation.Audit.Checkpoints;
using Federation.Audit.Data;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Hosting;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Federation.Audit;

/// <summary>The audit role: one queue, <c>audit-trail</c>, bound to every event type in the contracts.</summary>
public sealed class AuditModule : IFederationModule
{
    public const string Name = "audit";
    public const string TrailEndpoint = "trail";

    public string Role => Name;

    public void AddServices(IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<AuditDbContext>(Name);
        AuditOptions.Validate(builder.Configuration);
        builder.Services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section);
        builder.Services.AddSingleton<AuditKeys>();
        builder.Services.AddHostedService<CheckpointSealer>();
        builder.Services.AddSingleton<Retention.RetentionPruner>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Retention.RetentionPruner>());
    }

    public void AddConsumers(IBusRegistrationConfigurator bus)
    {
        // Completeness by construction: a new event type in the contracts is audited without a change here.
        foreach (var eventType in EventCatalog.All)
            bus.AddInboxConsumer<AuditDbContext>(typeof(AuditTrailConsumer<>).MakeGenericType(eventType), Name, TrailEndpoint);
    }

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapAuditApi();
}
