using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.ServiceDefaults.Messaging;

/// <summary>
/// A one-off run of the Host (<c>Federation:Messaging:DeployTopology=true</c>) that declares the selected roles' queues,
/// exchanges and bindings on the broker and exits, consuming and publishing nothing. Run it for every central role
/// (a Kubernetes Job or pre-install hook) before the roles start for the first time: RabbitMQ routes an event only to
/// the queues bound when it is published, so without it an event published before, say, the audit role's first start
/// reaches the other roles' queues but never the audit trail. Once declared, queues and bindings are durable and
/// collect events while their role is down or not yet deployed.
/// </summary>
public static class TopologyDeployment
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    public static bool Requested(IConfiguration configuration) =>
        configuration.GetValue<bool>($"{MessagingOptions.Section}:{nameof(MessagingOptions.DeployTopology)}");

    /// <summary>Declares the topology of the roles composed into <paramref name="services"/>; the process's exit code.</summary>
    public static async Task<int> Run(IServiceProvider services, TextWriter output)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await services.GetRequiredService<IBusControl>().DeployAsync(deadline.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or MassTransitException or IOException
                                   or RabbitMQ.Client.Exceptions.BrokerUnreachableException)
        {
            await output.WriteLineAsync($"federation: could not deploy the broker topology: {ex.Message}");
            return 1;
        }
        await output.WriteLineAsync("federation: broker topology deployed (queues, exchanges and bindings of the selected roles)");
        return 0;
    }
}
