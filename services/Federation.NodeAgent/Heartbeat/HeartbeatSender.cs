using System.Reflection;
using Federation.Contracts.Compute;
using Federation.NodeAgent.Data;
using Federation.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Federation.ServiceDefaults.Hosting;

namespace Federation.NodeAgent.Heartbeat;

/// <summary>
/// Tells the registry every <see cref="NodeAgentOptions.HeartbeatInterval"/> that this node is alive, what it can
/// run and how much work waits at it. Published straight to the bus (no outbox): a heartbeat that cannot be sent
/// is simply replaced by the next, and a node the registry stops hearing from goes offline there.
/// </summary>
public sealed class HeartbeatSender(
    IBus bus,
    IDbContextFactory<NodeAgentDbContext> factory,
    ServiceDatabase<NodeAgentDbContext> database,
    IOptions<NodeAgentOptions> options,
    TimeProvider clock,
    ILogger<HeartbeatSender> log) : BackgroundService
{
    private static readonly string? Version = typeof(HeartbeatSender).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await database.WhenSchemaReady(stoppingToken);
        // A heartbeat that fails (broker down) is not retried early: the next one is due at the same interval.
        await PollingLoop.Run(async ct =>
        {
            await bus.Publish(await Current(ct), ct);
            return false;
        }, options.Value.HeartbeatInterval, options.Value.HeartbeatInterval, clock, log, "Heartbeats", stoppingToken);
    }

    private async Task<NodeHeartbeat> Current(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return new NodeHeartbeat
        {
            Node = options.Value.NodeName,
            SentAt = clock.GetUtcNow(),
            Capabilities = options.Value.Capabilities.Current(),
            QueueLength = 0, // no task runs at nodes before compute dispatch (issue 8); the field is the router's input
            // The count the indexer keeps in its cursor: counting two million image rows would cost every heartbeat ~85 ms of database time.
            IndexedInstances = await db.Cursors.AsNoTracking().Where(c => c.Id == 1).Select(c => c.Instances).FirstOrDefaultAsync(cancellationToken),
            AgentVersion = Version,
            AllowedAlgorithms = options.Value.AllowedAlgorithms,
        };
    }
}
