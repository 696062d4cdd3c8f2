using System.Reflection;
using Federation.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Federation.ServiceDefaults.Messaging;

public static class ConsumerRegistration
{
    /// <summary>
    /// Registers a consumer of <paramref name="service"/> on its own queue <c>&lt;service&gt;-&lt;endpoint&gt;</c>
    /// (default: the consumer's name), with retry, durable redelivery into <typeparamref name="TDb"/>, then the error queue.
    /// Consumers given the same endpoint share one queue (e.g. one audit trail for every event type).
    /// </summary>
    /// <param name="bindMessageTypes">
    /// False for a queue that receives only what is sent to it (a command to one node): it is not bound to the
    /// message types' exchanges, so publishing such a message reaches no one by accident.
    /// </param>
    public static void AddInboxConsumer<TConsumer, TDb>(this IBusRegistrationConfigurator bus, string service, string? endpoint = null,
        bool bindMessageTypes = true)
        where TConsumer : class, IConsumer
        where TDb : ServiceDbContext
    {
        var name = EndpointNames.For(service, endpoint ?? EndpointNames.Describe(typeof(TConsumer)));
        bus.AddConsumer<TConsumer>((context, consumer) => ApplyFailureHandling<TConsumer, TDb>(context, consumer, name))
            .Endpoint(e =>
            {
                e.Name = name;
                e.ConfigureConsumeTopology = bindMessageTypes;
            });
    }

    /// <summary>The same, for a consumer type only known at run time (generic consumers closed by reflection).</summary>
    public static void AddInboxConsumer<TDb>(this IBusRegistrationConfigurator bus, Type consumerType, string service, string? endpoint = null)
        where TDb : ServiceDbContext =>
        typeof(ConsumerRegistration).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Single(m => m.Name == nameof(AddInboxConsumer) && m.IsGenericMethodDefinition && m.GetGenericArguments().Length == 2)
            .MakeGenericMethod(consumerType, typeof(TDb))
            .Invoke(null, [bus, service, endpoint, true]);

    private static void ApplyFailureHandling<TConsumer, TDb>(IRegistrationContext context, IConsumerConfigurator<TConsumer> consumer, string endpoint)
        where TConsumer : class
        where TDb : ServiceDbContext
    {
        var messageTypes = typeof(TConsumer).GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConsumer<>))
            .Select(i => i.GetGenericArguments()[0]);
        var apply = typeof(ConsumerRegistration).GetMethod(nameof(ApplyFor), BindingFlags.NonPublic | BindingFlags.Static)!;
        foreach (var messageType in messageTypes)
            apply.MakeGenericMethod(typeof(TConsumer), messageType, typeof(TDb)).Invoke(null, [context, consumer, endpoint]);
    }

    private static void ApplyFor<TConsumer, TMessage, TDb>(IRegistrationContext context, IConsumerConfigurator<TConsumer> consumer, string endpoint)
        where TConsumer : class
        where TMessage : class
        where TDb : ServiceDbContext
    {
        var filter = new RetryThenRedeliverFilter<TConsumer, TMessage, TDb>(
            endpoint,
            context.GetRequiredService<IOptions<MessagingOptions>>().Value,
            context.GetRequiredService<IDbContextFactory<TDb>>(),
            context.GetRequiredService<TimeProvider>(),
            context.GetRequiredService<ILoggerFactory>().CreateLogger($"Federation.Messaging.{endpoint}"));
        consumer.ConsumerMessage<TMessage>(m => m.UseFilter(filter));
    }
}
