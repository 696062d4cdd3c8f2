using Federation.ServiceDefaults.Hosting;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Federation.ServiceDefaults.Messaging;

public static class MessagingExtensions
{
    public const string RabbitMqConnectionName = "rabbitmq";

    /// <summary>
    /// MassTransit on RabbitMQ when <c>ConnectionStrings:rabbitmq</c> is set (quorum queues, publisher
    /// confirms), in memory otherwise. <paramref name="addConsumers"/> registers what the active roles listen to.
    /// </summary>
    public static IHostApplicationBuilder AddFederationMessaging(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator> addConsumers)
    {
        var options = (builder.Configuration.GetSection(MessagingOptions.Section).Get<MessagingOptions>() ?? new MessagingOptions()).WithDefaults();
        builder.Services.Configure<MessagingOptions>(builder.Configuration.GetSection(MessagingOptions.Section));
        builder.Services.PostConfigure<MessagingOptions>(o => o.WithDefaults());
        var broker = ParseBroker(builder.Configuration.GetConnectionString(RabbitMqConnectionName));
        if (options.QueueType is not ("quorum" or "classic"))
            throw new StartupConfigurationException($"Federation:Messaging:QueueType must be quorum or classic, not '{options.QueueType}'.");

        // Start the host even when the broker is down: the bus keeps reconnecting and /health/ready says not ready.
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = false;
            o.StopTimeout = TimeSpan.FromSeconds(15);
        });

        builder.Services.AddMassTransit(bus =>
        {
            addConsumers(bus);
            if (broker is null)
            {
                if (options.DeployTopology)
                    throw new StartupConfigurationException("Federation:Messaging:DeployTopology needs a broker (ConnectionStrings:rabbitmq): the in-memory bus has no topology to deploy.");
                bus.UsingInMemory((context, cfg) =>
                {
                    cfg.ConcurrentMessageLimit = options.ConcurrentMessageLimit;
                    cfg.ConfigureEndpoints(context);
                });
                return;
            }

            bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
            {
                if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit && options.QueueType != "classic")
                    rabbit.SetQuorumQueue();
            });
            bus.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(broker.Host, broker.Port, broker.VirtualHost, host =>
                {
                    host.Username(broker.Username);
                    host.Password(broker.Password);
                    host.PublisherConfirmation = true;
                    host.Heartbeat(TimeSpan.FromSeconds(10));
                    if (broker.UseTls)
                        host.UseSsl(ssl => ssl.ServerName = broker.Host);
                });
                // A predictable name (not MassTransit's host_process_bus_id) so that broker permissions can name it:
                // a node's user may declare and read only queues with its node's prefix.
                cfg.OverrideDefaultBusEndpointQueueName($"{options.BusEndpointPrefix}-{Guid.NewGuid():N}");
                BrokerUser.StampOutgoing(cfg, broker.Username);
                cfg.DeployTopologyOnly = options.DeployTopology;
                cfg.PrefetchCount = options.PrefetchCount;
                cfg.ConcurrentMessageLimit = options.ConcurrentMessageLimit;
                cfg.ConfigureEndpoints(context);
            });
        });
        return builder;
    }

    internal sealed record BrokerAddress(string Host, ushort Port, string VirtualHost, string Username, string Password, bool UseTls);

    internal static BrokerAddress? ParseBroker(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            return null;
        if (!Uri.TryCreate(connectionString, UriKind.Absolute, out var uri) || (uri.Scheme != "amqp" && uri.Scheme != "amqps"))
            throw new StartupConfigurationException(
                "ConnectionStrings:rabbitmq must be an AMQP URI such as amqp://user:password@host:5672/vhost.");
        var userInfo = uri.UserInfo.Split(':', 2);
        var tls = uri.Scheme == "amqps";
        var port = uri.IsDefaultPort || uri.Port < 0 ? (tls ? 5671 : 5672) : uri.Port;
        var vhost = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        return new BrokerAddress(
            uri.Host,
            (ushort)port,
            string.IsNullOrEmpty(vhost) ? "/" : vhost,
            userInfo.Length > 0 && userInfo[0].Length > 0 ? Uri.UnescapeDataString(userInfo[0]) : "guest",
            userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : "guest",
            tls);
    }
}
