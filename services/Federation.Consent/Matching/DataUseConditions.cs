namespace Federation.Consent.Matching;

/// <summary>
/// A dataset's data-use conditions: one DUO permission (with disease codes for DS) and modifiers with
/// their parameters.
/// </summary>
public sealed record DataUseConditions(string Permission, IReadOnlyList<string> Diseases, IReadOnlyList<DataUseModifier> Modifiers)
{
    public static DataUseConditions Of(string permission, params DataUseModifier[] modifiers) => new(permission, [], modifiers);

    public static DataUseConditions DiseaseSpecific(IReadOnlyList<string> diseases, params DataUseModifier[] modifiers) => new(Duo.DS, diseases, modifiers);
}

/// <summary>
/// A DUO modifier and its parameters: <see cref="Values"/> holds the countries (GS, ISO 3166 alpha-2),
/// institutions (IS), projects (PS), users (US) or collaborators (COL); <see cref="Months"/> the time
/// limit (TS); <see cref="Until"/> the moratorium date (MOR).
/// </summary>
public sealed record DataUseModifier(string Id, IReadOnlyList<string>? Values = null, int? Months = null, DateOnly? Until = null)
{
    public static implicit operator DataUseModifier(string id) => new(id);
}

/// <summary>
/// What a requester wants to do, in DUO research-purpose terms, and who asks. Null means not stated:
/// conditions that depend on it then need review rather than guess.
/// </summary>
public sealed record ResearchPurpose(
    IReadOnlyList<string> Purposes,
    IReadOnlyList<string>? Diseases = null,
    bool? Commercial = null,
    bool? ForProfitOrganisation = null,
    string? Country = null,
    string? Institution = null,
    string? Project = null,
    string? User = null)
{
    public IReadOnlyList<string> DiseaseCodes => Diseases ?? [];
}
