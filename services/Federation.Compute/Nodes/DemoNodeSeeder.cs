using Federation.Compute.Data;
using Federation.Contracts;
using Federation.Contracts.Compute;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Federation.ServiceDefaults.Hosting;

namespace Federation.Compute.Nodes;

/// <summary>
/// The embedded federation's demo node agent (<see cref="DemoFederation"/>) is
/// enrolled and approved at start, as a platform admin would have done, so its heartbeats count.
/// </summary>
internal sealed class DemoNodeSeeder(
    GroupCommit<ComputeDbContext> store, ServiceDatabase<ComputeDbContext> database, IOptions<NodeRegistryOptions> options, TimeProvider clock)
    : BackgroundService
{
    public static readonly NodeProfile Demo = new(DemoFederation.Node, DemoFederation.Country, DemoFederation.Institution, DemoFederation.DataHolder, NodeTiers.ProcessingCapable,
        new NodeCapabilities(Cpus: 2, MemoryBytes: 4L << 30, Gpus: 0, GpuMemoryBytes: 0, BandwidthBitsPerSecond: 1_000_000_000));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.SeedDemo != true)
            return;
        await database.WhenSchemaReady(stoppingToken);
        var stamp = new EventStamp(Actor.Service(ComputeModule.Name), Guid.NewGuid(), clock);
        await store.Write<object?>(async (db, ct) =>
        {
            if (await db.Nodes.FindAsync([Demo.Node], ct) is not null)
                return null;
            var node = new RegisteredNode { Name = Demo.Node };
            db.Nodes.Add(node);
            db.Publish(stamp.Stamp(NodeEnrolment.Ask(node, Demo, stamp.Actor.Subject, stamp.Now), node.Name, node.Version));
            db.Publish(stamp.Stamp(NodeEnrolment.Approve(node, stamp.Actor.Subject, stamp.Now), node.Name, node.Version));
            return null;
        });
    }
}
