using System.Security.Cryptography;
using System.Text;

namespace Federation.Algorithms;

/// <summary>
/// What the federated classifier sees of a study: intensity statistics of its pixels, each scaled to about [-1, 1]
/// (pixel values divided by the largest value the image can hold, then centred), so that one learning rate suits
/// every feature and every node computes the same features from the same pixels.
/// </summary>
public static class StudyFeatures
{
    public static readonly IReadOnlyList<string> Names = ["mean", "standard deviation", "10th percentile", "median", "90th percentile", "share above half"];

    public static int Count => Names.Count;

    /// <param name="pixels">Every pixel of the study's images read, as stored.</param>
    /// <param name="maxValue">The largest value a pixel can hold (255 for 8 bits stored).</param>
    public static double[] Of(IReadOnlyList<float> pixels, double maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfZero(pixels.Count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxValue);
        var scaled = pixels.Select(p => Math.Clamp(p / maxValue, 0, 1)).Order().ToArray();
        var mean = scaled.Average();
        var deviation = Math.Sqrt(scaled.Average(v => (v - mean) * (v - mean)));
        double Percentile(double q) => scaled[(int)Math.Min(scaled.Length - 1, Math.Floor(q * scaled.Length))];
        var aboveHalf = scaled.Count(v => v > 0.5) / (double)scaled.Length;
        return [Centre(mean), Centre(deviation * 2), Centre(Percentile(0.1)), Centre(Percentile(0.5)), Centre(Percentile(0.9)), Centre(aboveHalf)];
    }

    private static double Centre(double unit) => (unit - 0.5) * 2;
}

/// <summary>
/// Which studies are held out for evaluation: one in five, by a hash of the study's UID, so that every node, the
/// central baseline and every rerun agree without exchanging a list.
/// </summary>
public static class HeldOut
{
    public static bool Contains(string studyUid) => SHA256.HashData(Encoding.UTF8.GetBytes(studyUid))[0] % 5 == 0;
}
