using System.Text.Json;
using Federation.Compute.Data;
using Federation.Compute.Routing;
using Federation.Contracts.Compute;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Messaging;

namespace Federation.Compute.Tasks;

/// <summary>
/// Turns a routed plan into work: each at-data placement becomes a <c>RunTaskPart</c> sent to its node's own queue
/// through the outbox (same transaction as the task's new state), with the researcher's visa for that dataset (kept
/// on the part: federated training sends every round with it).
/// A central placement becomes a <c>TransferDataset</c> to the holding node, with a capability to upload to this
/// node (<see cref="Transfers.TransferApi"/>); the central executor runs the task when every copy has arrived.
/// </summary>
public static class TaskDispatch
{
    /// <param name="holders">Each dataset's holding node (which copies it when the plan moves it).</param>
    public static void Dispatch(ComputeDbContext db, TaskRecord task, TaskRouted decision, IReadOnlyDictionary<string, string> visas,
        IReadOnlyDictionary<string, string> holders, Uri central, EventStamp stamp)
    {
        if (decision.Plan.Count == 0)
            return; // no datasets: the central executor takes it
        var training = task.Training is null ? null : FederatedRounds.Of(task);
        foreach (var placement in decision.Plan.Where(p => p.Placement == Placements.Central))
        {
            // The holding node copies the dataset here; the central executor runs the task once every copy has arrived.
            var source = holders[placement.Dataset];
            var part = new TaskPart
            {
                TaskId = task.Id, Node = source, Dataset = placement.Dataset, Kind = TaskPartKinds.Transfer, State = TesStates.Running,
                Visa = visas.GetValueOrDefault(placement.Dataset),
            };
            db.TaskParts.Add(part);
            var transfer = new Transfers.DatasetTransfer
            {
                Id = Guid.NewGuid().ToString("N"), TaskId = task.Id, Node = source, Dataset = placement.Dataset, CreatedAt = stamp.Now.UtcDateTime,
            };
            db.Transfers.Add(transfer);
            SendTransfer(db, task, part, transfer, central, stamp);
        }
        foreach (var placement in decision.Plan.Where(p => p.Placement == Placements.AtData))
        {
            var part = new TaskPart { TaskId = task.Id, Node = placement.Location, Dataset = placement.Dataset, Visa = visas.GetValueOrDefault(placement.Dataset) };
            db.TaskParts.Add(part);
            SendPart(db, task, part, training?.Round ?? 0, training is null ? null : FederatedRounds.Parameters(training), stamp);
        }
        TaskLifecycle.Change(db, task, TesStates.Running, string.Join("; ", decision.Plan.GroupBy(p => p.Placement).Select(g => g.Key == Placements.Central
            ? $"moving {string.Join(", ", g.Select(p => p.Dataset))} to the central node"
            : $"sent to {string.Join(", ", g.Select(p => p.Location).Distinct())}")), stamp);
    }

    /// <summary>Asks the holding node to copy the part's dataset here, with a fresh capability (a resent command replaces the last one's).</summary>
    public static void SendTransfer(ComputeDbContext db, TaskRecord task, TaskPart part, Transfers.DatasetTransfer transfer, Uri central, EventStamp stamp)
    {
        var (token, hash) = Transfers.TransferStore.NewToken();
        transfer.TokenHash = hash;
        db.Schedule(new TransferDataset
        {
            TaskId = task.Id, Owner = task.Owner, Node = part.Node, Dataset = part.Dataset, Visa = part.Visa,
            UploadUrl = new Uri(central, $"api/transfers/{transfer.Id}").ToString(), UploadToken = token,
        }, Guid.NewGuid(), NodeQueue(part.Node), stamp.Now, stamp.CorrelationId);
    }

    /// <summary>Sends <paramref name="part"/> (again, for a later round) to its node: running, through the outbox.</summary>
    public static void SendPart(ComputeDbContext db, TaskRecord task, TaskPart part, int round, IReadOnlyDictionary<string, string>? parameters, EventStamp stamp)
    {
        (part.State, part.Round, part.Result, part.Reason) = (TesStates.Running, round, null, null);
        var command = new RunTaskPart
        {
            TaskId = task.Id, Owner = task.Owner, Node = part.Node, Dataset = part.Dataset, Algorithm = task.Algorithm, Visa = part.Visa, Round = round,
            Parameters = parameters,
        };
        if (!task.Algorithm.StartsWith("builtin:", StringComparison.Ordinal))
        {
            // An image runs as the researcher wrote it: the executors, where the dataset appears, which outputs to bring back.
            var document = JsonSerializer.Deserialize<TesTask>(task.Document, TaskLifecycle.Json)!;
            command = command with
            {
                Executors = document.Executors!.Select(TesExecutors.Spec).ToList(),
                InputPath = document.Inputs?.FirstOrDefault(i => i.Url == TaskSpec.DatasetScheme + part.Dataset)?.Path,
                Outputs = document.Outputs?.Where(o => o.Path is not null).Select(o => o.Path!).ToList(),
            };
        }
        db.Schedule(command, Guid.NewGuid(), NodeQueue(part.Node), stamp.Now, stamp.CorrelationId);
    }

    /// <summary>The node's task queue, addressed through its exchange: a node not listening yet leaves the command in the outbox, not in a queue of the wrong kind.</summary>
    public static Uri NodeQueue(string node) => new($"exchange:{NodeBrokerAccess.QueueOf(node, NodeBrokerAccess.Endpoints.Tasks)}");
}
