using Federation.NodeAgent.Images;
using Federation.ServiceDefaults.Hosting;

namespace Federation.NodeAgent;

/// <summary>
/// A synthetic cohort of a hospital's size instead of Orthanc (<c>Federation:NodeAgent:Synthetic</c>), for
/// benchmarks and trials: <see cref="Subjects"/> subjects and <see cref="Instances"/> images spread over the
/// node's datasets' collections, generated on demand (nothing per image is held in memory) and indexed
/// through the same code as a real PACS. Used only when no <c>OrthancUrl</c> is set.
/// </summary>
public sealed class SyntheticCohortSettings
{
    /// <summary>0: not used (a node without Orthanc then runs the small demo cohort).</summary>
    public int Subjects { get; set; }

    /// <summary>All images of the cohort (at least one per subject), shared near-equally by the subjects.</summary>
    public long Instances { get; set; }

    public int SeriesSize { get; set; } = 50;

    public int SeriesPerStudy { get; set; } = 4;

    public int Seed { get; set; } = 7;

    public bool IsSet => Subjects > 0;

    // What each collection's subjects were imaged with, by the collection's position among the node's datasets:
    // a first study of the first kind, later studies of any kind, so that filters on modality and body part select.
    private static readonly SyntheticKind[][] Palette =
    [
        [new("CT", "CHEST"), new("CT", "ABDOMEN"), new("PT", "WHOLEBODY")],
        [new("MG", "BREAST"), new("MR", "BREAST"), new("US", "BREAST")],
        [new("MR", "BRAIN"), new("CT", "HEAD")],
        [new("MR", "PROSTATE"), new("CT", "PELVIS")],
    ];

    /// <summary>The cohort for <paramref name="node"/>'s datasets; a setting that cannot make one stops start-up.</summary>
    public SyntheticImageSource Source(NodeAgentOptions node)
    {
        var names = node.Datasets.Select(d => d.Collection).Distinct(StringComparer.Ordinal).ToList();
        if (names.Count == 0 || Instances < Subjects || SeriesSize < 1 || SeriesPerStudy < 1)
            throw new StartupConfigurationException(
                "Federation:NodeAgent:Synthetic needs datasets to spread over, Instances at least Subjects, and SeriesSize and SeriesPerStudy of at least 1.");
        var collections = names.Select((name, c) => new SyntheticCollection(name, Subjects / names.Count + (c < Subjects % names.Count ? 1 : 0), Palette[c % Palette.Length]))
            .ToList();
        return new SyntheticImageSource(node.NodeName, Seed, collections, Instances, SeriesSize, SeriesPerStudy);
    }
}
