namespace Federation.Contracts.Consent;

/// <summary>
/// A dataset's data-use conditions were set or changed (a new version). Carries the whole condition
/// set and the placement it implies, so that the access role, the router and partners need not call
/// back. AggregateId is the dataset id; AggregateVersion the conditions' version.
/// </summary>
public sealed record DataUseConditionsChanged : FederationEvent
{
    public required string DatasetId { get; init; }
    public required string DataHolder { get; init; }
    public required int Version { get; init; }

    /// <summary>The DUO permission code (e.g. DUO:0000006).</summary>
    public required string Permission { get; init; }

    /// <summary>Disease codes of a DS permission (MONDO).</summary>
    public required IReadOnlyList<string> Diseases { get; init; }

    public required IReadOnlyList<DataUseModifierTerm> Modifiers { get; init; }

    /// <summary>Institution-bound use: the data may not leave its node.</summary>
    public required bool StaysAtNode { get; init; }

    /// <summary>Geography-bound use: the countries the data may be processed in (null: no restriction).</summary>
    public IReadOnlyList<string>? Countries { get; init; }
}

/// <summary>A DUO modifier with its parameters, as carried in events.</summary>
public sealed record DataUseModifierTerm(string Id, IReadOnlyList<string>? Values, int? Months, DateOnly? Until);
