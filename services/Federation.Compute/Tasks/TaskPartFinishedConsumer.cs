using System.Text.Json;
using Federation.Compute.Data;
using Federation.Contracts;
using Federation.Contracts.Compute;
using Federation.Contracts.Discovery;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Federation.Compute.Tasks;

/// <summary>
/// A node's part finished: recorded on the task; when every part has, the task ends: COMPLETE with the parts'
/// results aggregated at the central node, or the first failure's state with the node's reason. Federated training
/// instead goes on to its next round (<see cref="FederatedRounds"/>) until its last; a plan that moved datasets to
/// the central node goes on to the central executor (<see cref="CentralHandOver"/>). Only the node
/// itself (its broker user) may report its part.
/// </summary>
public sealed class TaskPartFinishedConsumer(GroupCommit<ComputeDbContext> store, TimeProvider clock, ILogger<TaskPartFinishedConsumer> log)
    : InboxConsumer<ComputeDbContext, TaskPartFinished>(store)
{
    protected override async Task Apply(ComputeDbContext db, ConsumeContext<TaskPartFinished> context, CancellationToken cancellationToken)
    {
        var finished = context.Message;
        if (await NodeReports.OpenPart(db, context, finished.TaskId, finished.Node, finished.Dataset, finished.Round, log, cancellationToken)
            is not { } open)
            return;
        var (part, task) = open;
        part.State = finished.State;
        part.Reason = finished.Reason;
        part.Result = finished.Result;
        var stamp = new EventStamp(Actor.Service(ComputeModule.Name), finished.CorrelationId, clock);
        TaskLifecycle.PartChanged(db, task, finished.Node, finished.Dataset, finished.State, finished.Reason, stamp);
        if (TesStates.IsFinal(task.State))
            return; // canceled meanwhile: the part is recorded, the task stays canceled

        // Parts already tracked (this one, others of the same batch) come back as the tracked instances, changes included.
        var parts = await db.TaskParts.Where(p => p.TaskId == task.Id).ToListAsync(cancellationToken);
        if (parts.Any(p => !TesStates.IsFinal(p.State)))
            return;
        var failed = parts.FirstOrDefault(p => p.State != TesStates.Complete);
        if (parts.Any(p => p.Kind == TaskPartKinds.Transfer))
        {
            await CentralHandOver.AllReported(db, task, parts, failed, stamp, cancellationToken);
            return;
        }
        if (!task.Algorithm.StartsWith("builtin:", StringComparison.Ordinal))
        {
            // An image's logs and outputs are what the researcher came for, a failed part's included.
            NodeProcessResults.Collect(task, parts, stamp.Now);
            TaskLifecycle.Change(db, task, failed?.State ?? TesStates.Complete,
                failed is null ? $"{parts.Count} part(s) released through their nodes' airlocks" : $"{failed.Node}/{failed.Dataset}: {failed.Reason}", stamp);
            return;
        }
        if (failed is not null)
        {
            TaskLifecycle.Change(db, task, failed.State, $"{failed.Node}/{failed.Dataset}: {failed.Reason}", stamp);
            return;
        }
        if (task.Training is not null)
        {
            FederatedRounds.Advance(db, task, parts, stamp);
            return;
        }
        var aggregate = CohortStatistics.Merge(parts.Select(p => JsonSerializer.Deserialize<DatasetCount>(p.Result!, TaskLifecycle.Json)!).ToList());
        TaskLifecycle.Update(task, l => l with
        {
            EndTime = stamp.Now,
            Metadata = new Dictionary<string, string> { ["federation.result"] = JsonSerializer.Serialize(aggregate, TaskLifecycle.Json) },
        });
        TaskLifecycle.Change(db, task, TesStates.Complete, $"aggregated {parts.Count} part(s) at the central node", stamp);
    }
}

/// <summary>The federated cohort statistics: each node's counts (small cells already withheld there) added up.</summary>
public static class CohortStatistics
{
    public sealed record Result(int Subjects, bool SubjectsIsLowerBound, IReadOnlyList<CountBucket> Sex, IReadOnlyList<CountBucket> AgeAtStudy,
        IReadOnlyList<DatasetCount> Datasets);

    public static Result Merge(IReadOnlyList<DatasetCount> parts) => new(
        parts.Sum(p => p.Subjects ?? 0),
        parts.Any(p => p.Exists && p.Subjects is null),
        Buckets(parts.SelectMany(p => p.Sex)),
        Buckets(parts.SelectMany(p => p.AgeAtStudy)),
        parts);

    // A bucket withheld at any node stays withheld in the sum: adding the visible counts would understate it silently.
    private static List<CountBucket> Buckets(IEnumerable<CountBucket> buckets) =>
        buckets.GroupBy(b => b.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new CountBucket(g.Key, g.Any(b => b.Count is null) ? null : g.Sum(b => b.Count!.Value))).ToList();
}
