using Federation.Consent.Matching;
using Federation.Consent.Terms;
using static Federation.Consent.Matching.Duo;
using static Federation.Consent.Matching.Outcome;

namespace Federation.Consent.Tests;

/// <summary>One row of the table: conditions × purpose → outcome, the terms whose reasons decide it, and the obligations.</summary>
public sealed record MatcherCase(string Name, DataUseConditions Conditions, ResearchPurpose Purpose, Outcome Expected, string[] Deciding, string[] Obligations)
{
    public override string ToString() => Name;
}

/// <summary>
/// The purpose × condition table (README "Matching rules" is the same table in words). Diseases are
/// named by label and looked up in the shipped hierarchy, so the table reads as a clinician would.
/// </summary>
public static class MatcherCases
{
    private static string D(string label) =>
        DiseaseHierarchy.Shipped.All.SingleOrDefault(d => string.Equals(d.Label, label, StringComparison.OrdinalIgnoreCase))?.Id
        ?? throw new InvalidOperationException($"The shipped disease hierarchy has no '{label}'.");

    private static ResearchPurpose P(params string[] purposes) => new(purposes, Commercial: false, ForProfitOrganisation: false);

    private static ResearchPurpose P(string[] purposes, params string[] diseaseLabels) =>
        new(purposes, diseaseLabels.Select(D).ToList(), Commercial: false, ForProfitOrganisation: false);

    private static DataUseConditions C(string permission, params DataUseModifier[] modifiers) => DataUseConditions.Of(permission, modifiers);

    private static DataUseConditions DSon(string[] diseaseLabels, params DataUseModifier[] modifiers) =>
        DataUseConditions.DiseaseSpecific(diseaseLabels.Select(D).ToList(), modifiers);

    private static MatcherCase Case(string name, DataUseConditions c, ResearchPurpose p, Outcome expected, string[] deciding, params string[] obligations) =>
        new(name, c, p, expected, deciding, obligations);

    public static IEnumerable<MatcherCase> All()
    {
        string[] biomedical = [BiomedicalResearch];
        string[] diseaseResearch = [DiseaseCategoryResearch];

        // Permissions
        yield return Case("NRES permits anything, even ancestry", C(NRES), P(AncestryResearch), Permit, [NRES]);
        yield return Case("GRU permits biomedical research", C(GRU), P(BiomedicalResearch), Permit, [GRU]);
        yield return Case("GRU permits ancestry research", C(GRU), P(AncestryResearch), Permit, [GRU]);
        yield return Case("GRU permits method development alone", C(GRU), P(MethodDevelopment), Permit, [GRU]);
        yield return Case("HMB permits biomedical research", C(HMB), P(BiomedicalResearch), Permit, [HMB]);
        yield return Case("HMB permits genetic research (a kind of biomedical)", C(HMB), P(GeneticResearch), Permit, [HMB]);
        yield return Case("HMB permits drug development research", C(HMB), P(DrugDevelopmentResearch), Permit, [HMB]);
        yield return Case("HMB denies ancestry research", C(HMB), P(AncestryResearch), Deny, [HMB]);
        yield return Case("HMB denies ancestry even beside biomedical", C(HMB), P(BiomedicalResearch, AncestryResearch), Deny, [HMB]);
        yield return Case("HMB: method development alone needs review", C(HMB), P(MethodDevelopment), NeedsReview, [HMB]);
        yield return Case("HMB: method development for biomedical research is permitted", C(HMB), P(MethodDevelopment, BiomedicalResearch), Permit, [HMB]);
        yield return Case("HMB: population research alone needs review", C(HMB), P(PopulationResearch), NeedsReview, [HMB]);
        yield return Case("HMB: no purpose stated needs review", C(HMB), new ResearchPurpose([]), NeedsReview, [HMB]);
        yield return Case("POA permits ancestry research", C(POA), P(AncestryResearch), Permit, [POA]);
        yield return Case("POA permits ancestry research on a population", C(POA), P(AncestryResearch, PopulationResearch), Permit, [POA]);
        yield return Case("POA denies biomedical research", C(POA), P(BiomedicalResearch), Deny, [POA]);
        yield return Case("POA: population research alone needs review", C(POA), P(PopulationResearch), NeedsReview, [POA]);

        // Disease-specific, with the hierarchy
        yield return Case("DS lung cancer permits research on lung cancer", DSon(["lung cancer"]), P(diseaseResearch, "lung cancer"), Permit, [DS]);
        yield return Case("DS lung cancer permits the narrower lung adenocarcinoma", DSon(["lung cancer"]), P(diseaseResearch, "lung adenocarcinoma"), Permit, [DS]);
        yield return Case("DS lung adenocarcinoma denies the broader lung cancer", DSon(["lung adenocarcinoma"]), P(diseaseResearch, "lung cancer"), Deny, [DS]);
        yield return Case("DS lung cancer denies breast cancer", DSon(["lung cancer"]), P(diseaseResearch, "breast cancer"), Deny, [DS]);
        yield return Case("DS cancer permits glioblastoma (two levels down)", DSon(["cancer"]), P(biomedical, "glioblastoma"), Permit, [DS]);
        yield return Case("DS on two diseases permits research on either", DSon(["lung cancer", "breast cancer"]), P(diseaseResearch, "breast cancer"), Permit, [DS]);
        yield return Case("DS denies when one of two requested diseases is outside", DSon(["lung cancer"]), P(diseaseResearch, "lung adenocarcinoma", "breast cancer"), Deny, [DS]);
        yield return Case("DS denies a purpose that names no disease", DSon(["lung cancer"]), P(BiomedicalResearch), Deny, [DS]);
        yield return Case("DS denies ancestry research even on its disease", DSon(["lung cancer"]), P([AncestryResearch], "lung cancer"), Deny, [DS]);
        yield return Case("DS: an unknown disease code needs review", DSon(["lung cancer"]),
            new ResearchPurpose(diseaseResearch, ["MONDO:9999999"], false, false), NeedsReview, [DS]);
        yield return Case("DS: method development on its disease is permitted", DSon(["lung cancer"]), P([MethodDevelopment], "lung cancer"), Permit, [DS]);

        // Purpose-restricting modifiers
        yield return Case("NMDS denies method development under HMB", C(HMB, NMDS), P(MethodDevelopment, BiomedicalResearch), Deny, [NMDS]);
        yield return Case("NMDS permits biomedical research without methods development", C(HMB, NMDS), P(BiomedicalResearch), Permit, [HMB, NMDS]);
        yield return Case("NMDS with DS: methods development on the disease needs review (DUO vs DUOS)", DSon(["lung cancer"], NMDS),
            P([MethodDevelopment], "lung cancer"), NeedsReview, [NMDS]);
        yield return Case("GSO permits genetic research", C(GRU, GSO), P(GeneticResearch), Permit, [GRU, GSO]);
        yield return Case("GSO denies non-genetic biomedical research", C(GRU, GSO), P(BiomedicalResearch), Deny, [GSO]);
        yield return Case("NPOA denies ancestry research under GRU", C(GRU, NPOA), P(AncestryResearch), Deny, [NPOA]);
        yield return Case("NPOA permits biomedical research", C(GRU, NPOA), P(BiomedicalResearch), Permit, [GRU, NPOA]);
        yield return Case("RS without research types needs review", C(GRU, RS), P(BiomedicalResearch), NeedsReview, [RS]);

        // Commercial and for-profit modifiers
        yield return Case("NCU denies commercial use", C(GRU, NCU), new ResearchPurpose(biomedical, Commercial: true, ForProfitOrganisation: false), Deny, [NCU]);
        yield return Case("NCU permits non-commercial use", C(GRU, NCU), P(BiomedicalResearch), Permit, [GRU, NCU]);
        yield return Case("NCU: commercial use not stated needs review", C(GRU, NCU), new ResearchPurpose(biomedical), NeedsReview, [NCU]);
        yield return Case("NPU denies a for-profit organisation", C(GRU, NPU), new ResearchPurpose(biomedical, Commercial: false, ForProfitOrganisation: true), Deny, [NPU]);
        yield return Case("NPU permits a not-for-profit organisation even for commercial use", C(GRU, NPU),
            new ResearchPurpose(biomedical, Commercial: true, ForProfitOrganisation: false), Permit, [GRU, NPU]);
        yield return Case("NPUNCU denies commercial use by a not-for-profit", C(GRU, NPUNCU),
            new ResearchPurpose(biomedical, Commercial: true, ForProfitOrganisation: false), Deny, [NPUNCU]);
        yield return Case("NPUNCU: organisation not stated needs review", C(GRU, NPUNCU), new ResearchPurpose(biomedical, Commercial: false), NeedsReview, [NPUNCU]);

        // List modifiers
        yield return Case("GS permits a requester in a listed country", C(GRU, new DataUseModifier(GS, ["DE", "FR"])),
            P(BiomedicalResearch) with { Country = "fr" }, Permit, [GRU, GS]);
        yield return Case("GS denies a requester elsewhere", C(GRU, new DataUseModifier(GS, ["DE", "FR"])), P(BiomedicalResearch) with { Country = "US" }, Deny, [GS]);
        yield return Case("GS: country not stated needs review", C(GRU, new DataUseModifier(GS, ["DE"])), P(BiomedicalResearch), NeedsReview, [GS]);
        yield return Case("IS permits a listed institution", C(HMB, new DataUseModifier(IS, ["Charité"])),
            P(BiomedicalResearch) with { Institution = "charité" }, Permit, [HMB, IS]);
        yield return Case("IS denies another institution", C(HMB, new DataUseModifier(IS, ["Charité"])), P(BiomedicalResearch) with { Institution = "Karolinska" }, Deny, [IS]);
        yield return Case("PS denies another project", C(GRU, new DataUseModifier(PS, ["EUCAIM-42"])), P(BiomedicalResearch) with { Project = "other" }, Deny, [PS]);
        yield return Case("US permits a listed user", C(GRU, new DataUseModifier(US, ["alice"])), P(BiomedicalResearch) with { User = "alice" }, Permit, [GRU, US]);
        yield return Case("US: user not stated needs review", C(GRU, new DataUseModifier(US, ["alice"])), P(BiomedicalResearch), NeedsReview, [US]);

        // Obligations never deny
        yield return Case("PUB, COL, IRB permit with three obligations", C(HMB, PUB, new DataUseModifier(COL, ["Dr Rossi"]), IRB),
            P(BiomedicalResearch), Permit, [HMB, PUB, COL, IRB], PUB, COL, IRB);
        yield return Case("MOR, TS, RTN permit with their obligations", C(GRU, new DataUseModifier(MOR, Until: new DateOnly(2027, 6, 1)),
            new DataUseModifier(TS, Months: 12), RTN), P(BiomedicalResearch), Permit, [GRU, MOR, TS, RTN], MOR, TS, RTN);
        yield return Case("CC restricts no research", C(HMB, CC), P(BiomedicalResearch), Permit, [HMB, CC]);

        // Combination: deny beats needs review beats permit
        yield return Case("A deny wins over a needs-review", C(HMB, NCU, new DataUseModifier(GS, ["DE"])),
            new ResearchPurpose([AncestryResearch], Country: "DE"), Deny, [HMB]);
        yield return Case("A needs-review wins over permits, obligations kept", C(HMB, PUB, NCU), new ResearchPurpose(biomedical), NeedsReview, [NCU], PUB);
        yield return Case("Several denies are all reported", C(HMB, NPOA, new DataUseModifier(GS, ["DE"])),
            P(AncestryResearch) with { Country = "US" }, Deny, [HMB, NPOA, GS]);
    }
}
