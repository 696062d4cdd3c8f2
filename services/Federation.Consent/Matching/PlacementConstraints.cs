namespace Federation.Consent.Matching;

/// <summary>
/// Where data under these conditions may be processed, for the hybrid router: institution-specific
/// use (IS) keeps the data at its own node; a geographical restriction (GS) keeps it within the listed
/// countries. Anything else may move to the central node if the rest of the policy allows.
/// </summary>
public sealed record PlacementConstraints(bool StaysAtNode, IReadOnlyList<string>? Countries, IReadOnlyList<string> Because)
{
    public static PlacementConstraints Of(DataUseConditions conditions)
    {
        var because = new List<string>();
        var atNode = conditions.Modifiers.Any(m => m.Id == Duo.IS);
        if (atNode)
            because.Add("IS (DUO:0000028): use only within approved institutions, so the data stays at its node.");
        var countries = conditions.Modifiers.Where(m => m.Id == Duo.GS).SelectMany(m => m.Values ?? []).Select(c => c.ToUpperInvariant()).Distinct().ToList();
        if (countries.Count > 0)
            because.Add($"GS (DUO:0000022): use only within {string.Join(", ", countries)}, so the data stays in those countries.");
        return new PlacementConstraints(atNode, countries.Count > 0 ? countries : null, because);
    }
}
