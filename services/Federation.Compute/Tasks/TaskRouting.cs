using Federation.Compute.Data;
using Federation.Compute.Nodes;
using Federation.Compute.Routing;
using Federation.ServiceDefaults.Projections;
using Microsoft.EntityFrameworkCore;

namespace Federation.Compute.Tasks;

/// <summary>Gathers what the router decides on from this role's own store (registry, dataset facts, entitlements) and asks it.</summary>
public static class TaskRouting
{
    /// <returns>The decision, and each known dataset's holding node (dispatch sends moves there).</returns>
    public static async Task<(RoutingDecision Decision, IReadOnlyDictionary<string, string> Holders)> Decide(ComputeDbContext db, string taskId, string owner, TaskSpec spec, CentralOptions central,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var datasets = await db.Datasets.AsNoTracking().Where(d => spec.Datasets.Contains(d.DatasetId) && !d.Retired && d.Node != "")
            .ToListAsync(cancellationToken);
        var nodeNames = datasets.Select(d => d.Node).Append(spec.Aggregator ?? "").Distinct().ToList();
        var nodes = await db.Nodes.AsNoTracking().Where(n => nodeNames.Contains(n.Name)).ToListAsync(cancellationToken);
        // The central node's queue: its own work only (tasks with parts at nodes wait at the nodes, not here).
        var centralQueue = await db.Tasks.CountAsync(t => t.DatasetCount == 0
            && (t.State == TesStates.Queued || t.State == TesStates.Initializing || t.State == TesStates.Running), cancellationToken);
        var context = new RoutingContext(
            datasets.ToDictionary(d => d.DatasetId, d => new DatasetFacts(d.DatasetId, d.Node, d.SizeBytes, d.AccessModel, d.StaysAtNode, d.Countries)),
            nodes.ToDictionary(n => n.Name, n => new NodeFacts(n.Name, n.Country, n.Institution, n.Tier, n.Status == NodeStatuses.Approved,
                n.Liveness == NodeLiveness.Online, n.ReportedCapabilities ?? n.DeclaredCapabilities, n.QueueLength, n.AllowedAlgorithms)),
            new CentralFacts(central.Country, central.Institution, central.Capabilities(), centralQueue, central.AllowedAlgorithms()),
            await db.Entitlements.ActiveDatasets(owner, now.UtcDateTime, cancellationToken),
            central.ExpectedTaskDuration);
        return (HybridRouter.Decide(new RoutingRequest(taskId, spec.Algorithm, spec.Resources, spec.Datasets, spec.Preference, spec.Aggregator), context),
            datasets.ToDictionary(d => d.DatasetId, d => d.Node));
    }
}
