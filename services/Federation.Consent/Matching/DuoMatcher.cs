using Federation.Consent.Terms;

namespace Federation.Consent.Matching;

/// <summary>
/// Matches a research purpose against a dataset's data-use conditions: permit, deny or needs review,
/// with a reason per condition and the obligations a grant carries. Pure and allocation-light: the
/// access role runs it for every requested dataset, the router for every placement. The rules, with
/// their sources, are the table in this module's README; each rule below names its row.
/// </summary>
public static class DuoMatcher
{
    public static Decision Evaluate(ResearchPurpose purpose, DataUseConditions conditions, DiseaseHierarchy? diseases = null)
    {
        diseases ??= DiseaseHierarchy.Shipped;
        var reasons = new List<Reason>(conditions.Modifiers.Count + 1);
        var obligations = new List<Obligation>();
        var purposes = purpose.Purposes.ToHashSet(StringComparer.Ordinal);
        var primary = purposes.Where(p => !Duo.Qualifying.Contains(p)).ToHashSet(StringComparer.Ordinal);

        var permission = Permission(purpose, conditions, purposes, primary, diseases);
        reasons.Add(permission);
        foreach (var modifier in conditions.Modifiers)
            reasons.Add(Modifier(modifier, purpose, purposes, permission, obligations));

        var outcome = reasons.Max(r => r.Outcome);
        return new Decision(outcome, reasons, obligations);
    }

    private static Reason Permission(ResearchPurpose purpose, DataUseConditions conditions, HashSet<string> purposes, HashSet<string> primary,
        DiseaseHierarchy diseases)
    {
        var p = conditions.Permission;
        if (purposes.Count == 0 && p is not (Duo.NRES or Duo.GRU))
            return new(p, Outcome.NeedsReview, "The request states no DUO research purpose to compare with the permission.");
        switch (p)
        {
            case Duo.NRES:
                return new(p, Outcome.Permit, "NRES: no restriction on use.");
            case Duo.GRU:
                return new(p, Outcome.Permit, "GRU: use is allowed for any research purpose.");
            case Duo.HMB:
                if (purposes.Contains(Duo.AncestryResearch))
                    return new(p, Outcome.Deny, "HMB does not include the study of population origins or ancestry (DUO:0000033 requested).");
                return primary.Overlaps(Duo.Biomedical)
                    ? new(p, Outcome.Permit, "HMB: the purpose is health, medical or biomedical research.")
                    : new(p, Outcome.NeedsReview, $"HMB allows health/medical/biomedical research; {Names(purposes)} alone does not say whether the use is biomedical.");
            case Duo.POA:
                if (primary.Any(x => x != Duo.AncestryResearch))
                    return new(p, Outcome.Deny, $"POA limits use to population origins or ancestry research; {Names(primary.Where(x => x != Duo.AncestryResearch))} is not.");
                return purposes.Contains(Duo.AncestryResearch)
                    ? new(p, Outcome.Permit, "POA: the purpose is population origins or ancestry research.")
                    : new(p, Outcome.NeedsReview, $"POA limits use to ancestry research; {Names(purposes)} alone does not say whether it is.");
            case Duo.DS:
                return DiseaseSpecific(purpose, conditions, purposes, diseases);
            default:
                return new(p, Outcome.NeedsReview, $"The matcher has no rule for permission {p}; a reviewer decides.");
        }
    }

    private static Reason DiseaseSpecific(ResearchPurpose purpose, DataUseConditions conditions, HashSet<string> purposes, DiseaseHierarchy diseases)
    {
        var allowed = string.Join(", ", conditions.Diseases.Select(diseases.LabelOf));
        if (purposes.Contains(Duo.AncestryResearch))
            return new(Duo.DS, Outcome.Deny, "DS is a kind of HMB in DUO, which does not include population origins or ancestry research.");
        if (purpose.DiseaseCodes.Count == 0)
            return new(Duo.DS, Outcome.Deny, $"DS limits use to research on {allowed}; the purpose names no disease.");
        var unknown = purpose.DiseaseCodes.Where(d => !diseases.IsKnown(d)).ToList();
        if (unknown.Count > 0 || conditions.Diseases.Any(d => !diseases.IsKnown(d)))
            return new(Duo.DS, Outcome.NeedsReview, $"DS: {string.Join(", ", unknown.DefaultIfEmpty("a condition's disease"))} cannot be placed in the shipped disease hierarchy; a reviewer decides.");
        var outside = purpose.DiseaseCodes.Where(d => !conditions.Diseases.Any(a => diseases.IsSameOrNarrower(d, a))).ToList();
        return outside.Count == 0
            ? new(Duo.DS, Outcome.Permit, $"DS: the purpose's disease is {allowed} or narrower.")
            : new(Duo.DS, Outcome.Deny, $"DS limits use to {allowed} (or narrower diseases); {string.Join(", ", outside.Select(diseases.LabelOf))} is broader or unrelated.");
    }

    private static Reason Modifier(DataUseModifier modifier, ResearchPurpose purpose, HashSet<string> purposes, Reason permission, List<Obligation> obligations)
    {
        var m = modifier.Id;
        switch (m)
        {
            case Duo.NMDS:
                if (!purposes.Contains(Duo.MethodDevelopment))
                    return new(m, Outcome.Permit, "NMDS: no methods development is requested.");
                // DUO's text forbids methods development; DUOS allows it within a DS disease. Where they disagree: review.
                return permission is { Term: Duo.DS, Outcome: Outcome.Permit }
                    ? new(m, Outcome.NeedsReview, "NMDS with DS: methods development on the permitted disease; DUO and DUOS disagree, a reviewer decides.")
                    : new(m, Outcome.Deny, "NMDS: use does not allow methods development research (DUO:0000031 requested).");
            case Duo.GSO:
                return purposes.Contains(Duo.GeneticResearch)
                    ? new(m, Outcome.Permit, "GSO: the purpose is genetic research.")
                    : new(m, Outcome.Deny, "GSO limits use to genetic studies; the purpose does not include genetic research (DUO:0000038).");
            case Duo.NPOA:
                return purposes.Contains(Duo.AncestryResearch)
                    ? new(m, Outcome.Deny, "NPOA: population origins or ancestry research is prohibited.")
                    : new(m, Outcome.Permit, "NPOA: no ancestry research is requested.");
            case Duo.NPUNCU:
                return Flags(m, "NPUNCU limits use to not-for-profit organisations and non-commercial use",
                    (purpose.ForProfitOrganisation, "the organisation is for-profit"), (purpose.Commercial, "the use is commercial"));
            case Duo.NPU:
                return Flags(m, "NPU limits use to not-for-profit organisations", (purpose.ForProfitOrganisation, "the organisation is for-profit"));
            case Duo.NCU:
                return Flags(m, "NCU limits use to non-commercial use", (purpose.Commercial, "the use is commercial"));
            case Duo.GS:
                return Listed(modifier, "country", purpose.Country, "GS limits use to");
            case Duo.IS:
                return Listed(modifier, "institution", purpose.Institution, "IS limits use to");
            case Duo.PS:
                return Listed(modifier, "project", purpose.Project, "PS limits use to");
            case Duo.US:
                return Listed(modifier, "user", purpose.User, "US limits use to");
            case Duo.RS:
                if (modifier.Values is not { Count: > 0 } types)
                    return new(m, Outcome.NeedsReview, "RS restricts use to certain research types that DUO does not encode; a reviewer decides.");
                return purposes.Count > 0 && purposes.All(types.Contains)
                    ? new(m, Outcome.Permit, $"RS: every requested purpose is among {string.Join(", ", types)}.")
                    : new(m, Outcome.Deny, $"RS limits use to {string.Join(", ", types)}; {Names(purposes.Where(x => !types.Contains(x)))} is not among them.");
            case Duo.CC:
                return new(m, Outcome.Permit, "CC also allows clinical care; it restricts no research.");
            case Duo.PUB:
                return Obliged(m, obligations, "Make the results of studies using the data available to the wider scientific community.");
            case Duo.COL:
                return Obliged(m, obligations, "Collaborate with the primary study investigator(s)" +
                    (modifier.Values is { Count: > 0 } who ? $": {string.Join(", ", who)}." : "."));
            case Duo.IRB:
                return Obliged(m, obligations, "Provide documentation of local ethics (IRB/ERB) approval.");
            case Duo.MOR:
                return Obliged(m, obligations, modifier.Until is { } until
                    ? $"Do not publish results before {until:yyyy-MM-dd}."
                    : "Do not publish results before the moratorium date set by the data holder.");
            case Duo.TS:
                return Obliged(m, obligations, modifier.Months is { } months
                    ? $"Use is approved for {months} months from the grant."
                    : "Use is approved for a limited number of months set by the data holder.");
            case Duo.RTN:
                return Obliged(m, obligations, "Return derived or enriched data to the database or resource.");
            default:
                return new(m, Outcome.NeedsReview, $"The matcher has no rule for modifier {m}; a reviewer decides.");
        }
    }

    // Obligation modifiers never deny by themselves: they permit and add what the requester must do.
    private static Reason Obliged(string term, List<Obligation> obligations, string text)
    {
        obligations.Add(new Obligation(term, text));
        return new(term, Outcome.Permit, $"Obligation: {text}");
    }

    // Any flag known true denies; any unknown (and none true) needs review; all known false permits.
    private static Reason Flags(string term, string rule, params (bool? Value, string WhenTrue)[] flags)
    {
        var violated = flags.Where(f => f.Value == true).Select(f => f.WhenTrue).ToList();
        if (violated.Count > 0)
            return new(term, Outcome.Deny, $"{rule}; {string.Join(" and ", violated)}.");
        return flags.Any(f => f.Value is null)
            ? new(term, Outcome.NeedsReview, $"{rule}; the request does not say whether {string.Join(" or ", flags.Where(f => f.Value is null).Select(f => f.WhenTrue))}.")
            : new(term, Outcome.Permit, $"{rule}; the request is not-for-profit and non-commercial as far as it applies.");
    }

    // List modifiers: permit when the requester's value is listed, deny when not, review when unknown.
    private static Reason Listed(DataUseModifier modifier, string what, string? value, string rule)
    {
        var listed = modifier.Values ?? [];
        var allowed = string.Join(", ", listed);
        if (listed.Count == 0)
            return new(modifier.Id, Outcome.NeedsReview, $"{rule} named {what}s, but the condition names none; a reviewer decides.");
        if (string.IsNullOrWhiteSpace(value))
            return new(modifier.Id, Outcome.NeedsReview, $"{rule} {allowed}; the request does not state its {what}.");
        return listed.Contains(value.Trim(), StringComparer.OrdinalIgnoreCase)
            ? new(modifier.Id, Outcome.Permit, $"{rule} {allowed}; the requester's {what} {value} is listed.")
            : new(modifier.Id, Outcome.Deny, $"{rule} {allowed}; the requester's {what} {value} is not.");
    }

    private static string Names(IEnumerable<string> purposes)
    {
        var named = purposes.Select(p => DuoCatalogue.Shipped.Find(p)?.Label is { } label ? $"{label} ({p})" : p).ToList();
        return named.Count == 0 ? "no purpose" : string.Join(", ", named);
    }
}
