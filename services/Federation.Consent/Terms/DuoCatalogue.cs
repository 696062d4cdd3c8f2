using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Federation.Consent.Terms;

public enum DuoKind
{
    Permission,
    Modifier,
    Purpose,
}

/// <summary>One Data Use Ontology term as shipped in <c>duo-terms.json</c>.</summary>
public sealed record DuoTerm(string Id, string? Shorthand, string Label, DuoKind Kind, bool Obsolete, string? ReplacedBy)
{
    public override string ToString() => Shorthand is null ? $"{Id} ({Label})" : $"{Shorthand} {Id} ({Label})";
}

/// <summary>
/// The DUO terms this federation understands, with the release they come from. Input naming a code
/// that is unknown, obsolete or of the wrong kind is refused with a sentence saying which and why.
/// </summary>
public sealed class DuoCatalogue
{
    private readonly Dictionary<string, DuoTerm> terms;

    private DuoCatalogue(string release, IEnumerable<DuoTerm> terms)
    {
        Release = release;
        this.terms = terms.ToDictionary(t => t.Id, StringComparer.Ordinal);
    }

    // Declared before Shipped: static fields initialise in textual order, and Load() needs these options.
    internal static readonly JsonSerializerOptions ResourceJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The catalogue shipped with this build (an embedded copy of <c>Terms/duo-terms.json</c>).</summary>
    public static DuoCatalogue Shipped { get; } = Load();

    public string Release { get; }

    public IReadOnlyCollection<DuoTerm> All => terms.Values;

    public DuoTerm? Find(string id) => terms.GetValueOrDefault(id);

    /// <summary>Null when <paramref name="id"/> is a current term of <paramref name="kind"/>; otherwise why not.</summary>
    public string? Problem(string? id, DuoKind kind)
    {
        if (string.IsNullOrWhiteSpace(id))
            return $"A DUO {Describe(kind)} code is required.";
        if (!terms.TryGetValue(id, out var term))
            return $"'{Shorten(id)}' is not a DUO term this federation knows (DUO release {Release}); codes look like DUO:0000042.";
        if (term.Obsolete)
            return $"{term} is obsolete in DUO" + (term.ReplacedBy is null ? "." : $"; use {term.ReplacedBy} instead.");
        if (term.Kind != kind)
            return $"{term} is a DUO {Describe(term.Kind)}, not a {Describe(kind)}.";
        return null;
    }

    private static string Describe(DuoKind kind) => kind switch
    {
        DuoKind.Permission => "data use permission",
        DuoKind.Modifier => "data use modifier",
        _ => "research purpose",
    };

    internal static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    private static DuoCatalogue Load()
    {
        using var stream = Resource("duo-terms.json");
        var file = JsonSerializer.Deserialize<TermsFile>(stream, ResourceJson)!;
        return new DuoCatalogue(file.Release, file.Terms);
    }

    internal static Stream Resource(string name) =>
        Assembly.GetExecutingAssembly().GetManifestResourceStream($"Federation.Consent.Terms.{name}")
        ?? throw new InvalidOperationException($"Embedded resource {name} is missing from Federation.Consent.");

    private sealed record TermsFile(string Source, string Release, List<DuoTerm> Terms);
}
