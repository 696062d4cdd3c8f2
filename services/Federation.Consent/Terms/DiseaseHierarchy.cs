using System.Text.Json;

namespace Federation.Consent.Terms;

/// <summary>
/// A small cancer subset of MONDO shipped as data (<c>cancer-diseases.json</c>): enough to decide
/// whether research on one disease falls within a disease-specific (DS) condition on another.
/// </summary>
public sealed class DiseaseHierarchy
{
    private readonly Dictionary<string, Disease> diseases;

    private DiseaseHierarchy(string source, IEnumerable<Disease> diseases)
    {
        Source = source;
        this.diseases = diseases.ToDictionary(d => d.Id, StringComparer.Ordinal);
        foreach (var disease in this.diseases.Values)
            foreach (var parent in disease.Parents.Where(p => !this.diseases.ContainsKey(p)))
                throw new InvalidOperationException($"{disease.Id} names parent {parent}, which the shipped hierarchy lacks.");
    }

    public static DiseaseHierarchy Shipped { get; } = Load();

    public string Source { get; }

    public IReadOnlyCollection<Disease> All => diseases.Values;

    public bool IsKnown(string id) => diseases.ContainsKey(id);

    public string LabelOf(string id) => diseases.TryGetValue(id, out var d) ? $"{d.Label} ({id})" : id;

    /// <summary>Whether <paramref name="disease"/> is <paramref name="ancestor"/> or one of its descendants.</summary>
    public bool IsSameOrNarrower(string disease, string ancestor)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([disease]);
        while (pending.TryPop(out var current))
        {
            if (current == ancestor)
                return true;
            if (seen.Add(current) && diseases.TryGetValue(current, out var known))
                foreach (var parent in known.Parents)
                    pending.Push(parent);
        }
        return false;
    }

    private static DiseaseHierarchy Load()
    {
        using var stream = DuoCatalogue.Resource("cancer-diseases.json");
        var file = JsonSerializer.Deserialize<DiseasesFile>(stream, DuoCatalogue.ResourceJson)!;
        return new DiseaseHierarchy(file.Source, file.Terms);
    }

    public sealed record Disease(string Id, string Label, IReadOnlyList<string> Parents);

    private sealed record DiseasesFile(string Source, List<Disease> Terms);
}
