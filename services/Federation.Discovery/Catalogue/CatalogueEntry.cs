using System.Text.Json;
using Federation.Contracts.Discovery;

namespace Federation.Discovery.Catalogue;

/// <summary>
/// One dataset as the catalogue holds it: the node's latest description (as JSON, served as is) plus the
/// columns browsing filters on. Lists are stored as ",CT,MR," so that "contains ,CT," is an exact-item match.
/// </summary>
public sealed class CatalogueEntry
{
    public string DatasetId { get; set; } = "";
    public long Version { get; set; }
    public string Node { get; set; } = "";
    public string DataHolder { get; set; } = "";
    public string Title { get; set; } = "";
    public string? Description { get; set; }
    public string? CancerType { get; set; }
    public string Modalities { get; set; } = ",";
    public string BodyParts { get; set; } = ",";
    public int Subjects { get; set; }
    public long Instances { get; set; }
    public long SizeBytes { get; set; }
    public string DescriptionJson { get; set; } = "";
    public bool Retired { get; set; }
    public DateTime UpdatedAt { get; set; }

    public DatasetDescription Dataset => JsonSerializer.Deserialize<DatasetDescription>(DescriptionJson, Json)!;

    public static string ListColumn(IEnumerable<string> values) => "," + string.Concat(values.Select(v => v.ToUpperInvariant() + ","));

    public void Apply(DatasetDescription dataset, long version, DateTimeOffset at)
    {
        DatasetId = dataset.DatasetId;
        Version = version;
        Node = dataset.Node;
        DataHolder = dataset.DataHolder;
        Title = dataset.Title;
        Description = dataset.Description;
        CancerType = dataset.CancerType;
        Modalities = ListColumn(dataset.Modalities);
        BodyParts = ListColumn(dataset.BodyParts);
        Subjects = dataset.Subjects;
        Instances = dataset.Instances;
        SizeBytes = dataset.SizeBytes;
        DescriptionJson = JsonSerializer.Serialize(dataset, Json);
        Retired = false;
        UpdatedAt = at.UtcDateTime;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
