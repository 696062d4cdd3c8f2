using Federation.Consent.Matching;
using Federation.Consent.Terms;
using Xunit;

namespace Federation.Consent.Tests;

public sealed class InputRulesTests
{
    [Theory]
    [InlineData("DUO:0000099", "is not a DUO term")]
    [InlineData("DUO:0000019", "is a DUO data use modifier, not a data use permission")]
    [InlineData("GRU", "is not a DUO term")]
    [InlineData("", "code is required")]
    public void A_bad_permission_is_refused_with_a_clear_sentence(string permission, string expected)
    {
        var problems = InputRules.Check(new DataUseConditions(permission, [], []));

        Assert.Contains(problems, p => p.Field == "permission" && p.Problem.Contains(expected));
    }

    [Fact]
    public void Obsolete_codes_are_refused_naming_their_replacement_when_DUO_gives_one()
    {
        var obsolete = DuoCatalogue.Shipped.All.Where(t => t.Obsolete).ToList();
        Assert.NotEmpty(obsolete);
        foreach (var term in obsolete)
        {
            var problem = DuoCatalogue.Shipped.Problem(term.Id, term.Kind);
            Assert.Contains("obsolete", problem);
            if (term.ReplacedBy is not null)
                Assert.Contains(term.ReplacedBy, problem);
        }
    }

    [Fact]
    public void Modifiers_need_their_parameters()
    {
        var problems = InputRules.Check(DataUseConditions.Of(Duo.GRU, Duo.GS, new DataUseModifier(Duo.TS, Months: 0), Duo.MOR, Duo.US,
            new DataUseModifier(Duo.GS, ["Germany"]), Duo.HMB));

        Assert.Equal(7, problems.Count);
        Assert.Contains(problems, p => p.Field == "modifiers[4]" && p.Problem.Contains("appears twice"));
        Assert.Contains(problems, p => p.Field == "modifiers[4]" && p.Problem.Contains("ISO 3166-1"));
        Assert.Contains(problems, p => p.Field == "modifiers[5]" && p.Problem.Contains("not a data use modifier"));
    }

    [Fact]
    public void A_ds_condition_needs_known_diseases_and_other_permissions_take_none()
    {
        Assert.Contains(InputRules.Check(DataUseConditions.DiseaseSpecific([])), p => p.Field == "diseases");
        Assert.Contains(InputRules.Check(DataUseConditions.DiseaseSpecific(["MONDO:9999999"])), p => p.Problem.Contains("not in the shipped disease hierarchy"));
        Assert.Contains(InputRules.Check(new DataUseConditions(Duo.GRU, [DiseaseHierarchy.Shipped.All.First().Id], [])), p => p.Field == "diseases");
    }

    [Fact]
    public void A_purpose_needs_purpose_terms_known_diseases_and_a_country_code()
    {
        var problems = InputRules.Check(new ResearchPurpose([Duo.GRU, "DUO:0000041x"], ["ICD10:C34"], Country: "Deutschland"));

        Assert.Equal(["country", "diseases", "purposes[0]", "purposes[1]"], problems.Select(p => p.Field).Order());
        Assert.NotEmpty(InputRules.Check(new ResearchPurpose([])));
    }

    [Fact]
    public void The_shipped_terms_cover_every_code_the_matcher_names()
    {
        var codes = typeof(Duo).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();

        Assert.All(codes, code => Assert.NotNull(DuoCatalogue.Shipped.Find(code)));
        Assert.All(codes, code => Assert.False(DuoCatalogue.Shipped.Find(code)!.Obsolete, code));
        Assert.False(string.IsNullOrWhiteSpace(DuoCatalogue.Shipped.Release));
    }

    [Fact]
    public void The_disease_hierarchy_is_rooted_in_cancer_and_acyclic()
    {
        var hierarchy = DiseaseHierarchy.Shipped;
        var roots = hierarchy.All.Where(d => d.Parents.Count == 0).ToList();

        Assert.Single(roots);
        Assert.All(hierarchy.All, d => Assert.True(hierarchy.IsSameOrNarrower(d.Id, roots[0].Id), d.Id));
        Assert.All(hierarchy.All, d => Assert.DoesNotContain(d.Parents, p => hierarchy.IsSameOrNarrower(p, d.Id)));
    }
}
