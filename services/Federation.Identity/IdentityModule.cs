using Federation.Identity.Accounts;
using Federation.Identity.Admin;
using Federation.Identity.Data;
using Federation.Identity.Keys;
using Federation.Identity.Nodes;
using Federation.Identity.Protocol;
using Federation.ServiceDefaults.Hosting;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using Federation.ServiceDefaults.Security;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Federation.Identity;

/// <summary>The identity role: accounts, clients, keys, and the OpenID Connect endpoints every other role trusts.</summary>
public sealed class IdentityModule : IFederationModule
{
    public const string Name = "identity";

    public string Role => Name;

    public void AddServices(IHostApplicationBuilder builder)
    {
        var settings = IdentitySettings.Read(builder.Configuration);
        var audience = builder.Configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>()?.Audience ?? new SecurityOptions().Audience;
        var services = builder.Services;

        services.AddSingleton(settings);
        builder.AddServiceDatabase<IdentityDbContext>(Name);
        services.AddSingleton<KeyRing>();
        services.AddSingleton<IIdentityKeySource>(sp => sp.GetRequiredService<KeyRing>());
        services.AddHostedService(sp => sp.GetRequiredService<KeyRing>());
        services.AddFederationOpenIddict(settings, audience);
        services.AddLoginCookie();
        services.AddSingleton<AccountStore>();
        services.AddScoped<ClientRegistry>();
        services.AddHostedService<DemoSeeder>();
        services.AddScoped<NodeCredentialIssuer>();
        services.AddSingleton(settings.Broker);
        if (settings.Broker.ManagementUrl is not null)
            services.AddHttpClient<IBrokerAccounts, RabbitMqBrokerAccounts>(http => RabbitMqBrokerAccounts.Configure(http, settings.Broker));
        else
            services.AddSingleton<IBrokerAccounts, NoBrokerAccounts>();
        services.AddHealthChecks().AddCheck<KeysLoadedCheck>("identity-keys", tags: ["ready"]);
    }

    // Node enrolment decisions come from the registry (compute): they open and close a node's credentials.
    public void AddConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddInboxConsumer<NodeEnrolmentApprovedConsumer, IdentityDbContext>(Name, "node-grants");
        bus.AddInboxConsumer<NodeRevokedConsumer, IdentityDbContext>(Name, "node-grants");
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        app.MapConnectEndpoints();
        app.MapLoginPage();
        app.MapIdentityAdminApi();
        app.MapNodeCredentialsApi();
    }

    private sealed class KeysLoadedCheck(KeyRing keys) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(keys.IsLoaded ? HealthCheckResult.Healthy("signing keys loaded") : HealthCheckResult.Unhealthy("signing keys not loaded yet"));
    }
}
