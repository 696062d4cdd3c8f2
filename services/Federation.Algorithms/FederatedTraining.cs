using System.Globalization;
using System.Text.Json;

namespace Federation.Algorithms;

/// <summary>
/// The built-in federated logistic regression: its name, its settings (the TES executor's <c>env</c>, checked once
/// at submission and again at each node), and what a node reports back from a round.
/// </summary>
public static class FederatedTraining
{
    public const string Algorithm = "builtin:federated-logistic-regression";

    /// <summary>The keys of the settings, as TES executor environment variables.</summary>
    public static class Keys
    {
        public const string Rounds = "ROUNDS";
        public const string LocalEpochs = "LOCAL_EPOCHS";
        public const string LearningRate = "LEARNING_RATE";
        public const string LabelTag = "LABEL_TAG";
        public const string LabelPositive = "LABEL_POSITIVE";

        /// <summary>Set by compute for each round, not by the researcher: the global model (JSON array), the pooled scaling (JSON) and the round's mode.</summary>
        public const string Model = "FEDERATION_MODEL";

        public const string Scaling = "FEDERATION_SCALING";
        public const string Mode = "FEDERATION_MODE";
    }

    /// <summary>Round 0 pools feature statistics, rounds 1 to <see cref="TrainingSettings.Rounds"/> train, the one after evaluates.</summary>
    public static class Modes
    {
        public const string Statistics = "statistics";
        public const string Train = "train";
        public const string Evaluate = "evaluate";
    }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Reads the settings; every problem at once, keyed by the setting's name.</summary>
    public static (TrainingSettings? Settings, List<(string Key, string Problem)> Errors) Read(IReadOnlyDictionary<string, string>? values)
    {
        values ??= new Dictionary<string, string>();
        var errors = new List<(string, string)>();
        var rounds = Integer(values, Keys.Rounds, 5, 1, 100, errors);
        var epochs = Integer(values, Keys.LocalEpochs, 20, 1, 1000, errors);
        var rate = 1.0;
        if (values.TryGetValue(Keys.LearningRate, out var text)
            && !(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out rate) && rate > 0 && rate <= 10))
            errors.Add((Keys.LearningRate, "A number above 0 and at most 10."));
        var tag = values.GetValueOrDefault(Keys.LabelTag) ?? "StudyDescription";
        if (tag.Length is 0 or > 64 || !tag.All(char.IsAsciiLetterOrDigit))
            errors.Add((Keys.LabelTag, "A DICOM keyword (letters and digits, e.g. StudyDescription) whose value is the label."));
        var positive = values.GetValueOrDefault(Keys.LabelPositive) ?? "malignant";
        if (positive.Length is 0 or > 64)
            errors.Add((Keys.LabelPositive, "The label value of a positive case, 1 to 64 characters."));
        return errors.Count > 0 ? (null, errors) : (new TrainingSettings(rounds, epochs, rate, tag, positive), errors);
    }

    private static int Integer(IReadOnlyDictionary<string, string> values, string key, int fallback, int min, int max, List<(string, string)> errors)
    {
        if (!values.TryGetValue(key, out var text))
            return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        errors.Add((key, $"A whole number from {min} to {max}."));
        return fallback;
    }
}

/// <param name="Rounds">FedAvg rounds; an evaluation pass follows the last one.</param>
/// <param name="LocalEpochs">Gradient steps each node takes per round from the global model.</param>
/// <param name="LabelTag">The DICOM keyword holding a study's label; <paramref name="LabelPositive"/> is the value of a positive case.</param>
public sealed record TrainingSettings(int Rounds, int LocalEpochs, double LearningRate, string LabelTag, string LabelPositive)
{
    public string ModeOf(int round) =>
        round == 0 ? FederatedTraining.Modes.Statistics : round <= Rounds ? FederatedTraining.Modes.Train : FederatedTraining.Modes.Evaluate;

    /// <summary>
    /// The same model trained at one place on pooled examples: scaled by their own statistics, as many gradient steps
    /// as the federated rounds take in all. The baseline a federated model is compared with.
    /// </summary>
    public double[] TrainPooled(IReadOnlyList<Example> training, out FeatureScaling scaling)
    {
        scaling = FeatureScaling.Pool([FeatureScaling.Sums.Of(training)]);
        var scaled = training.Select(scaling.Apply).ToList();
        return LogisticRegression.Train(LogisticRegression.Initial(StudyFeatures.Count), scaled, Rounds * LocalEpochs, LearningRate).Weights;
    }

    public IReadOnlyDictionary<string, string> AsParameters() => new Dictionary<string, string>
    {
        [FederatedTraining.Keys.Rounds] = Rounds.ToString(CultureInfo.InvariantCulture),
        [FederatedTraining.Keys.LocalEpochs] = LocalEpochs.ToString(CultureInfo.InvariantCulture),
        [FederatedTraining.Keys.LearningRate] = LearningRate.ToString("R", CultureInfo.InvariantCulture),
        [FederatedTraining.Keys.LabelTag] = LabelTag,
        [FederatedTraining.Keys.LabelPositive] = LabelPositive,
    };
}

/// <summary>
/// What one node releases from one round: its training studies' feature sums (round 0), a model update and how many
/// training studies it rests on, or the evaluation of the global model on the node's held-out studies. Aggregates only: no study, subject or image appears.
/// </summary>
public sealed record TrainingReport(string Mode, int Samples, IReadOnlyList<double>? Weights = null, double? Loss = null, int? Correct = null, int? HeldOut = null,
    FeatureScaling.Sums? Sums = null);
