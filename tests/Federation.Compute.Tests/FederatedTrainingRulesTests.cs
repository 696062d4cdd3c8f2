using Federation.Algorithms;
using Federation.Compute.Tasks;
using Xunit;

namespace Federation.Compute.Tests;

/// <summary>The arithmetic of federated training and the checks of its settings, without a bus or a database.</summary>
public sealed class FederatedTrainingRulesTests
{
    [Fact]
    public void FedAvg_weights_each_update_by_its_training_studies()
    {
        var average = FederatedAveraging.Average([([1.0, 0.0], 30), ([0.0, 1.0], 10)]);
        Assert.Equal([0.75, 0.25], average);
        Assert.Throws<ArgumentException>(() => FederatedAveraging.Average([([1.0], 5), ([1.0, 2.0], 5)]));
    }

    [Fact]
    public void Pooled_sums_from_several_nodes_scale_exactly_as_the_pooled_examples_would()
    {
        var random = new Random(3);
        var examples = Enumerable.Range(0, 60)
            .Select(_ => new Example(Enumerable.Range(0, StudyFeatures.Count).Select(_ => random.NextDouble()).ToArray(), random.Next(2) == 0)).ToList();
        var whole = FeatureScaling.Pool([FeatureScaling.Sums.Of(examples)]);
        var parts = FeatureScaling.Pool([FeatureScaling.Sums.Of(examples[..25]), FeatureScaling.Sums.Of(examples[25..40]), FeatureScaling.Sums.Of(examples[40..])]);
        for (var i = 0; i < StudyFeatures.Count; i++)
        {
            Assert.Equal(whole.Means[i], parts.Means[i], 12);
            Assert.Equal(whole.Deviations[i], parts.Deviations[i], 12);
        }
        var scaled = examples.Select(whole.Apply).ToList();
        Assert.Equal(0, scaled.Average(e => e.Features[0]), 9);
    }

    [Fact]
    public void Gradient_descent_learns_a_separable_cohort_and_a_constant_feature_does_not_divide_by_zero()
    {
        var examples = Enumerable.Range(0, 40).Select(i => new Example([i < 20 ? -1.0 - i % 5 : 1.0 + i % 5, 0.5, 0, 0, 0, 0], i >= 20)).ToList();
        var scaling = FeatureScaling.Pool([FeatureScaling.Sums.Of(examples)]);
        Assert.Equal(1.0, scaling.Deviations[1]); // constant: unit deviation
        var scaled = examples.Select(scaling.Apply).ToList();
        var (weights, loss) = LogisticRegression.Train(LogisticRegression.Initial(StudyFeatures.Count), scaled, 200, 1.0);
        Assert.Equal(40, LogisticRegression.Correct(weights, scaled));
        Assert.True(loss < 0.1, $"loss {loss}");
    }

    [Fact]
    public void Features_are_scaled_by_the_largest_value_a_pixel_can_hold()
    {
        var dark = StudyFeatures.Of([0f, 0f, 0f, 0f], 255);
        var bright = StudyFeatures.Of([255f, 255f, 255f, 255f], 255);
        var twelveBit = StudyFeatures.Of([4095f, 4095f, 4095f, 4095f], 4095);
        Assert.Equal(-1, dark[0]);
        Assert.Equal(1, bright[0]);
        Assert.Equal(bright, twelveBit);
        Assert.Equal(StudyFeatures.Count, dark.Length);
    }

    [Theory]
    [InlineData("ROUNDS", "0")]
    [InlineData("ROUNDS", "101")]
    [InlineData("LOCAL_EPOCHS", "many")]
    [InlineData("LEARNING_RATE", "-1")]
    [InlineData("LABEL_TAG", "Study Description")]
    [InlineData("LABEL_POSITIVE", "")]
    public void A_training_task_with_a_bad_setting_is_refused_naming_it(string key, string value)
    {
        var task = new TesTask(null, null, "training", null,
            [new TesInput(null, null, "federation://datasets/a", "/data/a", null, null, null)], null, null,
            [new TesExecutor(FederatedTraining.Algorithm, ["train"], null, null, null, null, new Dictionary<string, string> { [key] = value }, null)],
            null, null, null, null);
        var (spec, errors) = TaskSpec.Read(task);
        Assert.Null(spec);
        Assert.Equal([$"executors[0].env.{key}"], errors.Keys);
    }

    [Fact]
    public void Training_settings_default_to_five_rounds_and_the_mode_follows_the_round()
    {
        var (settings, errors) = FederatedTraining.Read(null);
        Assert.Empty(errors);
        Assert.Equal((5, 20, "StudyDescription", "malignant"), (settings!.Rounds, settings.LocalEpochs, settings.LabelTag, settings.LabelPositive));
        Assert.Equal(["statistics", "train", "train", "evaluate"], new[] { 0, 1, 5, 6 }.Select(settings.ModeOf));
        var (read, _) = FederatedTraining.Read(settings.AsParameters());
        Assert.Equal(settings, read);
    }
}
