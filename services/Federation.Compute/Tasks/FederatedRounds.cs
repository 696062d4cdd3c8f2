using System.Globalization;
using System.Text.Json;
using Federation.Algorithms;
using Federation.Compute.Data;
using Federation.ServiceDefaults.Events;

namespace Federation.Compute.Tasks;

/// <summary>
/// The aggregator of the built-in federated logistic regression, at the central node. Round 0 asks every node holding
/// one of the task's datasets for its training studies' feature sums, pooled into one scaling; rounds 1 to N send the
/// global model, and when every part of a round has reported, the updates are averaged (FedAvg, weighted by training
/// studies) and the next round goes out, in the same transaction. A last pass asks each node for the final model's
/// accuracy on its held-out studies; their sum is the task's result. Only sums, weights and counts ever arrive here.
/// </summary>
public static class FederatedRounds
{
    /// <summary>A round's figures as the task's result shows them.</summary>
    public sealed record RoundSummary(int Round, int TrainingStudies, double MeanLoss);

    public sealed record NodeAccuracy(string Node, string Dataset, int Correct, int HeldOut);

    public sealed record Progress(TrainingSettings Settings, int Round, IReadOnlyList<double> Model, FeatureScaling? Scaling, IReadOnlyList<RoundSummary> History);

    /// <summary>The task's result: the model, how it was trained, and its accuracy on the held-out studies of every node.</summary>
    public sealed record Result(string Algorithm, IReadOnlyList<string> Features, IReadOnlyList<double> Weights, int Rounds, int LocalEpochs,
        IReadOnlyList<RoundSummary> History, double Accuracy, int Correct, int HeldOut, IReadOnlyList<NodeAccuracy> Nodes);

    public static Progress Start(TrainingSettings settings) => new(settings, 0, LogisticRegression.Initial(StudyFeatures.Count), null, []);

    public static Progress Of(TaskRecord task) => JsonSerializer.Deserialize<Progress>(task.Training!, TaskLifecycle.Json)!;

    public static void Save(TaskRecord task, Progress progress) => task.Training = JsonSerializer.Serialize(progress, TaskLifecycle.Json);

    /// <summary>What a part of the round <paramref name="progress"/> is at carries to its node.</summary>
    public static IReadOnlyDictionary<string, string> Parameters(Progress progress)
    {
        var parameters = new Dictionary<string, string>(progress.Settings.AsParameters())
        {
            [FederatedTraining.Keys.Mode] = progress.Settings.ModeOf(progress.Round),
            [FederatedTraining.Keys.Model] = JsonSerializer.Serialize(progress.Model, FederatedTraining.Json),
        };
        if (progress.Scaling is not null)
            parameters[FederatedTraining.Keys.Scaling] = JsonSerializer.Serialize(progress.Scaling, FederatedTraining.Json);
        return parameters;
    }

    private static void Next(ComputeDbContext db, TaskRecord task, IReadOnlyList<TaskPart> parts, Progress next, EventStamp stamp, string line)
    {
        Save(task, next);
        TaskLifecycle.Log(task, stamp.Now, line);
        foreach (var part in parts)
            TaskDispatch.SendPart(db, task, part, next.Round, Parameters(next), stamp);
    }

    /// <summary>Every part of the current round has reported COMPLETE: average and send the next round, or finish the task.</summary>
    public static void Advance(ComputeDbContext db, TaskRecord task, IReadOnlyList<TaskPart> parts, EventStamp stamp)
    {
        var progress = Of(task);
        var reports = parts.Select(p => (Part: p, Report: JsonSerializer.Deserialize<TrainingReport>(p.Result!, FederatedTraining.Json)!)).ToList();
        var mode = progress.Settings.ModeOf(progress.Round);
        if (mode == FederatedTraining.Modes.Statistics)
        {
            var scaling = FeatureScaling.Pool(reports.Select(r => r.Report.Sums!).ToList());
            Next(db, task, parts, progress with { Round = 1, Scaling = scaling }, stamp,
                $"round 0: feature statistics pooled over {reports.Sum(r => r.Report.Samples)} training studies at {reports.Count} part(s)");
            return;
        }
        if (mode == FederatedTraining.Modes.Train)
        {
            var model = FederatedAveraging.Average(reports.Select(r => (r.Report.Weights!, r.Report.Samples)).ToList());
            var samples = reports.Sum(r => r.Report.Samples);
            var loss = reports.Sum(r => (r.Report.Loss ?? 0) * r.Report.Samples) / samples;
            var next = progress with
            {
                Round = progress.Round + 1, Model = model, History = [.. progress.History, new RoundSummary(progress.Round, samples, loss)],
            };
            Next(db, task, parts, next, stamp, string.Create(CultureInfo.InvariantCulture,
                $"round {progress.Round} of {progress.Settings.Rounds} averaged over {reports.Count} part(s), {samples} training studies, mean loss {loss:F4}"));
            return;
        }

        var nodes = reports.Select(r => new NodeAccuracy(r.Part.Node, r.Part.Dataset, r.Report.Correct ?? 0, r.Report.HeldOut ?? 0)).ToList();
        var correct = nodes.Sum(n => n.Correct);
        var heldOut = nodes.Sum(n => n.HeldOut);
        var result = new Result(FederatedTraining.Algorithm, StudyFeatures.Names, progress.Model, progress.Settings.Rounds, progress.Settings.LocalEpochs,
            progress.History, heldOut == 0 ? 0 : (double)correct / heldOut, correct, heldOut, nodes);
        TaskLifecycle.Update(task, l => l with
        {
            EndTime = stamp.Now,
            Metadata = new Dictionary<string, string> { ["federation.result"] = JsonSerializer.Serialize(result, TaskLifecycle.Json) },
        });
        TaskLifecycle.Change(db, task, TesStates.Complete, string.Create(CultureInfo.InvariantCulture,
            $"trained {progress.Settings.Rounds} FedAvg rounds at {parts.Count} part(s), aggregated at the central node; accuracy on {heldOut} held-out studies {result.Accuracy:P1}"),
            stamp);
    }
}
