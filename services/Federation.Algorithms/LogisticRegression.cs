namespace Federation.Algorithms;

/// <summary>One labelled example: a study's features and whether it is a positive case.</summary>
public sealed record Example(IReadOnlyList<double> Features, bool Positive);

/// <summary>
/// Binary logistic regression trained by full-batch gradient descent. Deliberately plain: the same steps run at a
/// node (a FedAvg round's local epochs), at the central node (the pooled baseline), and nowhere else, so that a
/// federated model and a central one differ only by where the data was, not by the optimiser.
/// Weights are the feature weights followed by the bias.
/// </summary>
public static class LogisticRegression
{
    public static double[] Initial(int features) => new double[features + 1];

    public static double Probability(IReadOnlyList<double> weights, IReadOnlyList<double> features)
    {
        var z = weights[^1];
        for (var i = 0; i < features.Count; i++)
            z += weights[i] * features[i];
        return 1 / (1 + Math.Exp(-z));
    }

    /// <summary><paramref name="epochs"/> gradient steps from <paramref name="start"/>; returns the weights and the mean log loss before the last step.</summary>
    public static (double[] Weights, double Loss) Train(IReadOnlyList<double> start, IReadOnlyList<Example> examples, int epochs, double learningRate)
    {
        ArgumentOutOfRangeException.ThrowIfZero(examples.Count);
        var weights = start.ToArray();
        var gradient = new double[weights.Length];
        var loss = 0.0;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            Array.Clear(gradient);
            loss = 0;
            foreach (var example in examples)
            {
                var p = Probability(weights, example.Features);
                var error = p - (example.Positive ? 1 : 0);
                for (var i = 0; i < example.Features.Count; i++)
                    gradient[i] += error * example.Features[i];
                gradient[^1] += error;
                loss -= Math.Log(Math.Clamp(example.Positive ? p : 1 - p, 1e-12, 1));
            }
            for (var i = 0; i < weights.Length; i++)
                weights[i] -= learningRate * gradient[i] / examples.Count;
            loss /= examples.Count;
        }
        return (weights, loss);
    }

    /// <summary>How many examples the model classifies right at a threshold of one half.</summary>
    public static int Correct(IReadOnlyList<double> weights, IReadOnlyList<Example> examples) =>
        examples.Count(e => Probability(weights, e.Features) >= 0.5 == e.Positive);
}
