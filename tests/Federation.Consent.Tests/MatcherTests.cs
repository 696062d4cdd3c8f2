using Federation.Consent.Matching;
using Xunit;
using Xunit.Abstractions;

namespace Federation.Consent.Tests;

public sealed class MatcherTests(ITestOutputHelper output)
{
    // By name, so that each row is its own test in the runner's output.
    public static TheoryData<string> Table() => [.. MatcherCases.All().Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Table))]
    public void Each_case_gets_its_outcome_its_deciding_reasons_and_its_obligations(string name)
    {
        var c = MatcherCases.All().Single(x => x.Name == name);
        var decision = DuoMatcher.Evaluate(c.Purpose, c.Conditions);
        foreach (var reason in decision.Reasons)
            output.WriteLine($"{reason.Term} {reason.Outcome}: {reason.Text}");

        Assert.Equal(c.Expected, decision.Outcome);
        Assert.Equal(c.Deciding.Order(), decision.Deciding.Select(r => r.Term).Order());
        Assert.Equal(c.Obligations.Order(), decision.Obligations.Select(o => o.Term).Order());
        Assert.All(decision.Reasons, r => Assert.False(string.IsNullOrWhiteSpace(r.Text)));
        Assert.Empty(InputRules.Check(c.Conditions)); // every row's conditions are valid input
    }

    [Fact]
    public void The_table_has_at_least_forty_cases_and_every_outcome()
    {
        var cases = MatcherCases.All().ToList();
        Assert.True(cases.Count >= 40, $"{cases.Count} cases");
        Assert.Equal([Outcome.Permit, Outcome.NeedsReview, Outcome.Deny], cases.Select(c => c.Expected).Distinct().Order());
        Assert.Equal(cases.Count, cases.Select(c => c.Name).Distinct().Count());
    }

    [Fact]
    public void Placement_follows_institution_and_geography_restrictions()
    {
        var bound = PlacementConstraints.Of(DataUseConditions.Of(Duo.HMB, new DataUseModifier(Duo.IS, ["Charité"]), new DataUseModifier(Duo.GS, ["de", "AT"])));
        var free = PlacementConstraints.Of(DataUseConditions.Of(Duo.GRU, Duo.PUB));

        Assert.True(bound.StaysAtNode);
        Assert.Equal(["DE", "AT"], bound.Countries!);
        Assert.Equal(2, bound.Because.Count);
        Assert.False(free.StaysAtNode);
        Assert.Null(free.Countries);
    }
}
