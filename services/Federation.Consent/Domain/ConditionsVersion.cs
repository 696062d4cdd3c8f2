using System.Text.Json;
using Federation.Consent.Matching;

namespace Federation.Consent.Domain;

/// <summary>
/// One version of a dataset's data-use conditions. Versions are never changed or deleted: the history
/// is what a reviewer or auditor reads to know which conditions applied when.
/// </summary>
public sealed class ConditionsVersion
{
    public required string DatasetId { get; init; }
    public required int Version { get; init; }
    public required string DataHolder { get; init; }
    public required string Permission { get; init; }
    public required List<string> Diseases { get; init; }

    /// <summary>The modifiers with their parameters, as JSON (read through <see cref="Conditions"/>).</summary>
    public required string ModifiersJson { get; init; }

    public required string SetBy { get; init; }
    public required DateTime SetAt { get; init; }

    public DataUseConditions Conditions =>
        new(Permission, Diseases, JsonSerializer.Deserialize<List<DataUseModifier>>(ModifiersJson, Json) ?? []);

    public static string Serialize(IReadOnlyList<DataUseModifier> modifiers) => JsonSerializer.Serialize(modifiers, Json);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
