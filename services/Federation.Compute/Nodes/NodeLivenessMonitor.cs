using Federation.Compute.Data;
using Federation.Contracts;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Federation.ServiceDefaults.Hosting;

namespace Federation.Compute.Nodes;

/// <summary>
/// Marks online nodes that went silent as offline, each with its <c>NodeStatusChanged</c>, and fails their open task parts. Safe with several
/// compute replicas: the node's version is a concurrency token, so only one replica's change commits.
/// </summary>
public sealed class NodeLivenessMonitor(
    GroupCommit<ComputeDbContext> store,
    ServiceDatabase<ComputeDbContext> database,
    IOptions<NodeRegistryOptions> options,
    TimeProvider clock,
    ILogger<NodeLivenessMonitor> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await database.WhenSchemaReady(stoppingToken);
        await PollingLoop.Run(async ct =>
        {
            await Sweep(ct);
            return false; // one sweep per poll
        }, options.Value.LivenessPoll, options.Value.LivenessPoll, clock, log, "Node liveness check", stoppingToken);
    }

    internal Task Sweep(CancellationToken cancellationToken) => store.Write<object?>(async (db, ct) =>
    {
        var now = clock.GetUtcNow();
        var cutoff = (now - options.Value.OfflineAfter).UtcDateTime;
        var silent = await db.Nodes.Where(n => n.Liveness == NodeLiveness.Online && n.LastHeartbeatAt < cutoff).ToListAsync(ct);
        var stamp = new EventStamp(Actor.Service(ComputeModule.Name), Guid.NewGuid(), clock);
        foreach (var node in silent)
            if (NodeHeartbeats.CheckSilence(node, options.Value.OfflineAfter, now) is { } change)
            {
                db.Publish(stamp.Stamp(change, node.Name, node.Version));
                await Tasks.SilentNodes.FailOpenParts(db, node.Name, stamp, ct);
                log.LogInformation("Node {Node} is offline: last heartbeat {At:o}", node.Name, node.LastHeartbeatAt);
            }
        return null;
    });
}
