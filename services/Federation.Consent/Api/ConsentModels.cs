using System.Text.RegularExpressions;
using Federation.Consent.Domain;
using Federation.Consent.Matching;

namespace Federation.Consent.Api;

public sealed record ModifierInput(string? Id, List<string>? Values, int? Months, DateOnly? Until);

/// <summary>A new version of a dataset's conditions. The data holder is fixed by the first version.</summary>
public sealed partial record SetConditionsRequest(string? DataHolder, string? Permission, List<string>? Diseases, List<ModifierInput>? Modifiers)
{
    public DataUseConditions ToConditions() => new(Permission ?? "", Diseases ?? [],
        (Modifiers ?? []).Select(m => new DataUseModifier(m.Id ?? "", m.Values?.Select(v => v.Trim()).ToList(), m.Months, m.Until)).ToList());

    public Dictionary<string, string[]> Validate()
    {
        var errors = new List<(string Field, string Problem)>();
        if (DataHolder is null || !BindingPattern().IsMatch(DataHolder))
            errors.Add(("dataHolder", "The data holder id: lower-case letters, digits, '.', '_', '-' (as in the DAC member's binding)."));
        if (Diseases is { Count: > ConsentLimits.MaxDiseases })
            errors.Add(("diseases", $"At most {ConsentLimits.MaxDiseases} diseases."));
        if (Modifiers is { Count: > ConsentLimits.MaxModifiers })
            errors.Add(("modifiers", $"At most {ConsentLimits.MaxModifiers} modifiers."));
        if (Modifiers?.Any(m => m is null) == true || Diseases?.Any(d => d is null) == true)
            errors.Add(("modifiers", "Null entries are not allowed."));
        else if (Modifiers?.Any(m => m.Values is { } v && (v.Count > ConsentLimits.MaxValuesPerModifier || v.Any(x => x is null || x.Length is 0 or > ConsentLimits.ValueLength))) == true)
            errors.Add(("modifiers", $"Each modifier takes at most {ConsentLimits.MaxValuesPerModifier} values of 1 to {ConsentLimits.ValueLength} characters."));
        if (errors.Count == 0 || errors.All(e => e.Field == "dataHolder"))
            errors.AddRange(InputRules.Check(ToConditions()));
        return Group(errors);
    }

    internal static Dictionary<string, string[]> Group(IEnumerable<(string Field, string Problem)> errors) =>
        errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Problem).ToArray());

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,99}$")]
    private static partial Regex BindingPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$")]
    internal static partial Regex DatasetIdPattern();
}

public sealed record PurposeInput(List<string>? Purposes, List<string>? Diseases, bool? Commercial, bool? ForProfitOrganisation,
    string? Country, string? Institution, string? Project, string? User);

/// <summary>A research purpose to check against the current conditions of one or more datasets.</summary>
public sealed record EvaluateRequest(PurposeInput? Purpose, List<string>? DatasetIds)
{
    public ResearchPurpose ToPurpose(string caller) => new(Purpose?.Purposes ?? [], Purpose?.Diseases, Purpose?.Commercial, Purpose?.ForProfitOrganisation,
        Purpose?.Country?.Trim().ToUpperInvariant(), Purpose?.Institution?.Trim(), Purpose?.Project?.Trim(), Purpose?.User?.Trim() ?? caller);

    public Dictionary<string, string[]> Validate(string caller)
    {
        var errors = new List<(string Field, string Problem)>();
        if (Purpose is null)
            errors.Add(("purpose", "The research purpose is required."));
        if (DatasetIds is not { Count: > 0 } ids || ids.Count > ConsentLimits.MaxDatasetsPerEvaluation)
            errors.Add(("datasetIds", $"1 to {ConsentLimits.MaxDatasetsPerEvaluation} dataset ids."));
        else if (ids.Any(id => id is null || !SetConditionsRequest.DatasetIdPattern().IsMatch(id)))
            errors.Add(("datasetIds", "Dataset ids: letters, digits, '.', '_', ':', '-', at most 200 characters."));
        if (Purpose is not null)
        {
            if (new[] { Purpose.Institution, Purpose.Project, Purpose.User }.Any(v => v is { Length: > ConsentLimits.ValueLength }))
                errors.Add(("purpose", $"Institution, project and user: at most {ConsentLimits.ValueLength} characters."));
            if (Purpose.Purposes?.Any(p => p is null) == true || Purpose.Diseases?.Any(d => d is null) == true)
                errors.Add(("purpose", "Null entries are not allowed."));
            else if (Purpose.Purposes is { Count: > 10 } || Purpose.Diseases is { Count: > ConsentLimits.MaxDiseases })
                errors.Add(("purpose", $"At most 10 purposes and {ConsentLimits.MaxDiseases} diseases."));
            else
                errors.AddRange(InputRules.Check(ToPurpose(caller)).Select(p => ("purpose." + p.Field, p.Problem)));
        }
        return SetConditionsRequest.Group(errors);
    }
}

public sealed record ConditionsView(string DatasetId, int Version, string DataHolder, string Permission, IReadOnlyList<string> Diseases,
    IReadOnlyList<DataUseModifier> Modifiers, string SetBy, DateTime SetAt, PlacementConstraints Placement)
{
    public static ConditionsView Of(ConditionsVersion v)
    {
        var conditions = v.Conditions;
        return new(v.DatasetId, v.Version, v.DataHolder, v.Permission, v.Diseases, conditions.Modifiers, v.SetBy, v.SetAt, PlacementConstraints.Of(conditions));
    }
}

public sealed record DatasetDecision(string DatasetId, int? ConditionsVersion, Outcome Outcome, IReadOnlyList<Reason> Reasons, IReadOnlyList<Obligation> Obligations);

public sealed record EvaluationView(string DuoRelease, IReadOnlyList<DatasetDecision> Decisions);
