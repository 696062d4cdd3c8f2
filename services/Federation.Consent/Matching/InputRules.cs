using Federation.Consent.Terms;

namespace Federation.Consent.Matching;

/// <summary>
/// What valid conditions and purposes look like: current DUO codes of the right kind, the parameters
/// each modifier needs, diseases the shipped hierarchy knows. Every problem is reported, as
/// (field, sentence), so an API can answer with all of them at once.
/// </summary>
public static class InputRules
{
    private static readonly IReadOnlySet<string> ListModifiers = new HashSet<string> { Duo.GS, Duo.IS, Duo.PS, Duo.US };

    public static IReadOnlyList<(string Field, string Problem)> Check(DataUseConditions conditions, DuoCatalogue? catalogue = null, DiseaseHierarchy? diseases = null)
    {
        catalogue ??= DuoCatalogue.Shipped;
        diseases ??= DiseaseHierarchy.Shipped;
        var problems = new List<(string, string)>();
        if (catalogue.Problem(conditions.Permission, DuoKind.Permission) is { } permission)
            problems.Add(("permission", permission));
        if (conditions.Permission == Duo.DS && conditions.Diseases.Count == 0)
            problems.Add(("diseases", "DS (disease specific research) needs at least one disease code."));
        if (conditions.Permission != Duo.DS && conditions.Diseases.Count > 0)
            problems.Add(("diseases", "Disease codes belong to a DS permission only."));
        foreach (var disease in conditions.Diseases.Where(d => !diseases.IsKnown(d)))
            problems.Add(("diseases", $"'{DuoCatalogue.Shorten(disease)}' is not in the shipped disease hierarchy ({diseases.Source})."));

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < conditions.Modifiers.Count; i++)
        {
            var modifier = conditions.Modifiers[i];
            var field = $"modifiers[{i}]";
            if (catalogue.Problem(modifier.Id, DuoKind.Modifier) is { } problem)
            {
                problems.Add((field, problem));
                continue;
            }
            if (!seen.Add(modifier.Id))
                problems.Add((field, $"{modifier.Id} appears twice; list its values once."));
            if (ListModifiers.Contains(modifier.Id) && modifier.Values is not { Count: > 0 })
                problems.Add((field, $"{catalogue.Find(modifier.Id)} needs the values it restricts to."));
            if (modifier.Id == Duo.GS && modifier.Values?.Any(c => c.Length != 2 || !c.All(char.IsAsciiLetter)) == true)
                problems.Add((field, "GS values are ISO 3166-1 alpha-2 country codes (e.g. DE, FR)."));
            if (modifier.Id == Duo.TS && modifier.Months is not > 0)
                problems.Add((field, "TS (time limit on use) needs a positive number of months."));
            if (modifier.Id == Duo.MOR && modifier.Until is null)
                problems.Add((field, "MOR (publication moratorium) needs the date until which results may not be published."));
        }
        return problems;
    }

    public static IReadOnlyList<(string Field, string Problem)> Check(ResearchPurpose purpose, DuoCatalogue? catalogue = null, DiseaseHierarchy? diseases = null)
    {
        catalogue ??= DuoCatalogue.Shipped;
        diseases ??= DiseaseHierarchy.Shipped;
        var problems = new List<(string, string)>();
        if (purpose.Purposes.Count == 0)
            problems.Add(("purposes", "Name at least one DUO research purpose (DUO:0000031 to DUO:0000040)."));
        for (var i = 0; i < purpose.Purposes.Count; i++)
            if (catalogue.Problem(purpose.Purposes[i], DuoKind.Purpose) is { } problem)
                problems.Add(($"purposes[{i}]", problem));
        foreach (var disease in purpose.DiseaseCodes.Where(d => !diseases.IsKnown(d)))
            problems.Add(("diseases", $"'{DuoCatalogue.Shorten(disease)}' is not in the shipped disease hierarchy ({diseases.Source})."));
        if (purpose.Country is { } country && (country.Length != 2 || !country.All(char.IsAsciiLetter)))
            problems.Add(("country", "An ISO 3166-1 alpha-2 country code (e.g. DE, FR)."));
        return problems;
    }
}
