namespace Federation.Compute.Catalogue;

/// <summary>
/// What the router must know of a dataset, kept from the node agents' publications (where it is, how big, its
/// access model) and the consent role's conditions (whether its data may leave its node, and where to).
/// </summary>
public sealed class KnownDataset
{
    public string DatasetId { get; set; } = "";
    public string Node { get; set; } = "";
    public long SizeBytes { get; set; }
    public string AccessModel { get; set; } = "controlled";
    public bool Retired { get; set; }

    /// <summary>The description version last applied (the node's), so a stale update is dropped.</summary>
    public long DescriptionVersion { get; set; }

    /// <summary>DUO IS: the data never leaves its institution.</summary>
    public bool StaysAtNode { get; set; }

    /// <summary>DUO GS: where the data may be processed (empty: anywhere).</summary>
    public List<string> Countries { get; set; } = [];

    public int ConditionsVersion { get; set; }
}
