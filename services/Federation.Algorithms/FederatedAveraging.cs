namespace Federation.Algorithms;

/// <summary>FedAvg (McMahan et al., 2017): the new global model is the nodes' models weighted by their training examples.</summary>
public static class FederatedAveraging
{
    public static double[] Average(IReadOnlyList<(IReadOnlyList<double> Weights, int Samples)> updates)
    {
        ArgumentOutOfRangeException.ThrowIfZero(updates.Count);
        var total = updates.Sum(u => (double)u.Samples);
        if (total <= 0)
            throw new ArgumentException("FedAvg needs at least one training example.", nameof(updates));
        var length = updates[0].Weights.Count;
        if (updates.Any(u => u.Weights.Count != length))
            throw new ArgumentException("Every update must have as many weights as the model.", nameof(updates));
        var average = new double[length];
        foreach (var (weights, samples) in updates)
            for (var i = 0; i < length; i++)
                average[i] += weights[i] * samples / total;
        return average;
    }
}
