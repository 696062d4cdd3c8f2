using System.Collections.Concurrent;
using System.Text.Json;
using Federation.Algorithms;
using Federation.Contracts.Compute;
using Federation.NodeAgent.Data;
using Federation.NodeAgent.Images;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Federation.NodeAgent.Training;

/// <summary>
/// This node's side of the built-in federated logistic regression: from the global model of a round, a number of
/// gradient steps on the node's own training studies (or, in the evaluation pass, the model's accuracy on its
/// held-out studies). Features come from the pixels in the PACS, labels from a DICOM tag the task names; both stay
/// here. What is released is a <see cref="TrainingReport"/> (weights and counts) and only when it rests on at least
/// the small-cell threshold of studies: an update from two studies would all but disclose them.
/// </summary>
public sealed class LocalTraining(IDbContextFactory<NodeAgentDbContext> databases, IImageContent images, IOptions<NodeAgentOptions> options)
    : IDisposable
{
    // Bounded by studies held (each entry costs its studies' features, a few dozen bytes each).
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 200_000 });

    // Orthanc answers each image on its own: a few at a time keep a study list moving without crowding the PACS.
    private const int Parallelism = 4;

    public async Task<(TrainingReport? Report, string? Refusal)> Run(RunTaskPart part, DatasetSettings dataset, CancellationToken cancellationToken)
    {
        var (settings, errors) = FederatedTraining.Read(part.Parameters);
        if (settings is null)
            return (null, "the training settings are not valid: " + string.Join("; ", errors.Select(e => $"{e.Key}: {e.Problem}")));
        // The mode follows from the round, not from what the message says: a node never evaluates what it was meant to train.
        var mode = settings.ModeOf(part.Round);
        var model = Read<double[]>(part.Parameters, FederatedTraining.Keys.Model);
        var scaling = Read<FeatureScaling>(part.Parameters, FederatedTraining.Keys.Scaling);
        if (mode != FederatedTraining.Modes.Statistics && (model is null || model.Length != StudyFeatures.Count + 1 || !model.All(double.IsFinite)
                || scaling is null || scaling.Means.Count != StudyFeatures.Count || scaling.Deviations.Count != StudyFeatures.Count))
            return (null, $"round {part.Round} needs the global model ({StudyFeatures.Count + 1} numbers) and the pooled feature scaling");

        var examples = await Examples(part.TaskId, dataset, settings, cancellationToken);
        var threshold = options.Value.SmallCellThreshold;
        var evaluating = mode == FederatedTraining.Modes.Evaluate;
        var chosen = examples.Where(e => HeldOut.Contains(e.Study) == evaluating).Select(e => e.Example).ToList();
        if (chosen.Count < threshold)
            return (null, $"only {chosen.Count} labelled {(evaluating ? "held-out" : "training")} studies, fewer than {threshold}: a result from so few would disclose them");
        if (mode == FederatedTraining.Modes.Statistics)
            return (new TrainingReport(mode, chosen.Count, Sums: FeatureScaling.Sums.Of(chosen)), null);
        var scaled = chosen.Select(scaling!.Apply).ToList();
        if (evaluating)
            return (new TrainingReport(mode, scaled.Count, Correct: LogisticRegression.Correct(model!, scaled), HeldOut: scaled.Count), null);
        var (weights, loss) = LogisticRegression.Train(model!, scaled, settings.LocalEpochs, settings.LearningRate);
        return (new TrainingReport(mode, scaled.Count, weights, loss), null);
    }

    /// <summary>
    /// One example per study of the dataset (subjects who withdrew consent left out), from the study's first image:
    /// its pixel statistics and its label. Studies without the label tag are not labelled, so not used.
    /// </summary>
    private async Task<IReadOnlyList<(string Study, Example Example)>> Examples(string task, DatasetSettings dataset, TrainingSettings settings,
        CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        // Rounds of one task read the same studies: read them from the PACS once, unless the index or the dataset's
        // withdrawals changed meanwhile (then the key differs and a withdrawn subject is out from the next round on).
        var withdrawals = await db.Withdrawn.CountAsync(w => w.DatasetId == dataset.Id, cancellationToken);
        var images = await db.Cursors.Select(c => c.Instances).FirstOrDefaultAsync(cancellationToken);
        var key = (task, dataset.Id, withdrawals, images);
        if (cache.TryGetValue(key, out IReadOnlyList<(string, Example)>? cached))
            return cached!;
        var examples = await Read(db, dataset, settings, cancellationToken);
        cache.Set(key, examples, new MemoryCacheEntryOptions { Size = Math.Max(1, examples.Count), SlidingExpiration = TimeSpan.FromMinutes(10) });
        return examples;
    }

    private async Task<IReadOnlyList<(string Study, Example Example)>> Read(NodeAgentDbContext db, DatasetSettings dataset, TrainingSettings settings,
        CancellationToken cancellationToken)
    {
        var studies = await DatasetImages.Of(db, dataset)
            .GroupBy(i => i.StudyUid)
            .Select(g => new { Study = g.Key, Image = g.Min(i => i.InstanceId)! })
            .ToListAsync(cancellationToken);
        var examples = new ConcurrentBag<(string, Example)>();
        await Parallel.ForEachAsync(studies, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (study, ct) =>
        {
            var label = await images.Tag(study.Image, settings.LabelTag, ct);
            if (string.IsNullOrEmpty(label) || await images.Pixels(study.Image, ct) is not { Values.Length: > 0 } pixels)
                return;
            examples.Add((study.Study, new Example(StudyFeatures.Of(pixels.Values, pixels.MaxValue),
                string.Equals(label, settings.LabelPositive, StringComparison.OrdinalIgnoreCase))));
        });
        return [.. examples.OrderBy(e => e.Item1, StringComparer.Ordinal)];
    }

    public void Dispose() => cache.Dispose();

    private static T? Read<T>(IReadOnlyDictionary<string, string>? parameters, string key) where T : class
    {
        if (parameters?.GetValueOrDefault(key) is not { } json)
            return null;
        try
        {
            return JsonSerializer.Deserialize<T>(json, FederatedTraining.Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
