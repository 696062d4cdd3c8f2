namespace Federation.Algorithms;

/// <summary>
/// Standardisation of the features with the federation's pooled means and deviations (round 0 of training): each
/// node sends the count, sums and sums of squares of its training studies' features, never the features, and every
/// node then scales alike. Without it gradient descent crawls along the correlated, narrow-ranged pixel statistics.
/// </summary>
public sealed record FeatureScaling(IReadOnlyList<double> Means, IReadOnlyList<double> Deviations)
{
    /// <summary>One node's sums over its training studies.</summary>
    public sealed record Sums(int Count, IReadOnlyList<double> Sum, IReadOnlyList<double> SumOfSquares)
    {
        public static Sums Of(IReadOnlyList<Example> examples)
        {
            var width = examples.Count == 0 ? StudyFeatures.Count : examples[0].Features.Count;
            var sum = new double[width];
            var squares = new double[width];
            foreach (var example in examples)
                for (var i = 0; i < width; i++)
                {
                    sum[i] += example.Features[i];
                    squares[i] += example.Features[i] * example.Features[i];
                }
            return new Sums(examples.Count, sum, squares);
        }
    }

    public static FeatureScaling Pool(IReadOnlyList<Sums> nodes)
    {
        var count = nodes.Sum(n => (double)n.Count);
        if (count < 2)
            throw new ArgumentException("Pooling needs at least two examples.", nameof(nodes));
        var width = nodes[0].Sum.Count;
        var means = Enumerable.Range(0, width).Select(i => nodes.Sum(n => n.Sum[i]) / count).ToArray();
        // A feature that does not vary anywhere keeps a unit deviation: it then only shifts, and never divides by zero.
        var deviations = Enumerable.Range(0, width).Select(i =>
        {
            var variance = nodes.Sum(n => n.SumOfSquares[i]) / count - means[i] * means[i];
            return variance > 1e-12 ? Math.Sqrt(variance) : 1.0;
        }).ToArray();
        return new FeatureScaling(means, deviations);
    }

    public Example Apply(Example example) =>
        example with { Features = example.Features.Select((x, i) => (x - Means[i]) / Deviations[i]).ToArray() };
}
