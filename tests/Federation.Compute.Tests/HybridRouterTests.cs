using Federation.Compute.Routing;
using Federation.Contracts.Compute;
using Xunit;

namespace Federation.Compute.Tests;

/// <summary>The router's scenario table: where each dataset's part runs, which rule refused what, and why.</summary>
public sealed class HybridRouterTests
{
    private const long GiB = 1L << 30, MiB = 1L << 20;
    private static readonly NodeCapabilities Cpu8 = new(8, 32 * GiB, 0, 0, 100_000_000); // 100 Mbit/s uplink
    private static readonly NodeCapabilities Gpu = new(16, 64 * GiB, 2, 24 * GiB, 1_000_000_000);
    private static readonly TaskAlgorithm Stats = new("builtin:cohort-statistics", 50_000);
    private static readonly TaskResources Small = new(2, 4 * GiB);

    private static NodeFacts Node(string name, string tier = NodeTiers.ProcessingCapable, bool online = true, int queue = 0,
        NodeCapabilities? capabilities = null, IReadOnlyList<string>? allowed = null, string country = "DE") =>
        new(name, country, $"Hospital {name}", tier, Approved: true, online, capabilities ?? Cpu8, queue, allowed);

    private static RoutingContext World(IEnumerable<DatasetFacts> datasets, IEnumerable<NodeFacts> nodes, IEnumerable<string>? entitled = null, int centralQueue = 0) =>
        new(datasets.ToDictionary(d => d.Id), nodes.ToDictionary(n => n.Name),
            new CentralFacts("DE", "Central node", Gpu, centralQueue, ["builtin:*", "registry.example/fedavg:1"]),
            (entitled ?? datasets.Select(d => d.Id)).ToHashSet(), TimeSpan.FromMinutes(2));

    private static RoutingRequest Task(params string[] datasets) => new("task-1", Stats, Small, datasets);

    [Fact]
    public void Large_datasets_at_three_capable_nodes_stay_where_they_are_and_results_meet_centrally()
    {
        var world = World(
            [new("lung-a", "a", 40 * GiB, "controlled"), new("lung-b", "b", 25 * GiB, "controlled"), new("lung-c", "c", 60 * GiB, "controlled")],
            [Node("a"), Node("b"), Node("c")]);
        var decision = HybridRouter.Decide(Task("lung-a", "lung-b", "lung-c"), world);
        Assert.True(decision.Routed);
        Assert.Equal(PlanKinds.AtData, decision.Kind);
        Assert.Equal(["a", "b", "c"], decision.Plan.Select(p => p.Location));
        Assert.Equal("central", decision.Aggregator);
        Assert.All(decision.Rejected, r => Assert.Equal(RoutingRules.Cost, r.Rule)); // central was possible, only slower
    }

    [Fact]
    public void A_small_open_dataset_at_a_busy_node_moves_to_the_central_node()
    {
        var world = World([new("atlas", "busy", 5 * MiB, "open")], [Node("busy", queue: 12)]);
        var decision = HybridRouter.Decide(Task("atlas"), world);
        Assert.Equal((PlanKinds.Central, "central"), (decision.Kind, decision.Plan.Single().Location));
        var notTaken = decision.Rejected.Single();
        Assert.Equal(("busy", RoutingRules.Cost), (notTaken.Candidate, notTaken.Rule));
    }

    [Fact]
    public void An_institution_bound_dataset_stays_and_a_movable_one_moves_in_one_hybrid_plan()
    {
        var world = World(
            [new("registry", "a", 80 * GiB, "controlled", InstitutionBound: true), new("atlas", "b", 5 * MiB, "open")],
            [Node("a"), Node("b", queue: 12)]);
        var decision = HybridRouter.Decide(Task("registry", "atlas"), world);
        Assert.Equal(PlanKinds.Hybrid, decision.Kind);
        Assert.Equal([("registry", Placements.AtData), ("atlas", Placements.Central)], decision.Plan.Select(p => (p.Dataset, p.Placement)));
        Assert.Contains(decision.Rejected, r => r is { Dataset: "registry", Candidate: "central", Rule: RoutingRules.InstitutionBound });
    }

    [Theory]
    [InlineData(PlacementPreference.Central, RoutingRules.InstitutionBound)]
    [InlineData(PlacementPreference.Auto, RoutingRules.NodeOnline)]
    public void An_institution_bound_dataset_is_never_routed_central(PlacementPreference preference, string refusingRule)
    {
        var world = World([new("registry", "a", 1 * MiB, "open", InstitutionBound: true)], [Node("a", online: false)]);
        var decision = HybridRouter.Decide(Task("registry") with { Preference = preference }, world);
        Assert.False(decision.Routed);
        Assert.Equal(refusingRule, decision.Refusal!.Rule);
        Assert.Contains(decision.Rejected, r => r is { Candidate: "central", Rule: RoutingRules.InstitutionBound or RoutingRules.Preference });
        Assert.NotNull(decision.Refusal.Remedy);
    }

    [Fact]
    public void Without_a_visa_for_one_dataset_the_task_is_refused_and_told_how_to_get_one()
    {
        var world = World([new("lung-a", "a", GiB, "controlled"), new("lung-b", "b", GiB, "controlled")], [Node("a"), Node("b")], entitled: ["lung-a"]);
        var decision = HybridRouter.Decide(Task("lung-a", "lung-b"), world);
        Assert.Equal((false, RoutingRules.Entitlement, "lung-b"), (decision.Routed, decision.Refusal!.Rule, decision.Refusal.Dataset));
        Assert.Contains("access request", decision.Refusal.Remedy);
        Assert.Empty(decision.Plan);
    }

    [Theory]
    // What the holding node lacks, and where the data may go instead.
    [InlineData(NodeTiers.Searchable, true, "controlled", Placements.Central, RoutingRules.NodeTier)]
    [InlineData(NodeTiers.ProcessingCapable, true, "open", Placements.Central, RoutingRules.Capability)] // the task needs a GPU the node lacks
    [InlineData(NodeTiers.ProcessingCapable, false, "controlled", null, RoutingRules.NodeOnline)] // offline: neither runs nor exports
    [InlineData(NodeTiers.Searchable, true, "federated", null, RoutingRules.NodeTier)]
    public void A_node_that_cannot_run_the_task_sends_its_data_central_when_the_data_may_leave(
        string tier, bool online, string accessModel, string? expected, string atDataRule)
    {
        var world = World([new("ds", "n", 2 * GiB, accessModel)], [Node("n", tier, online)]);
        var request = Task("ds") with { Resources = new TaskResources(4, 16 * GiB, Gpus: 1, GpuMemoryBytes: 16 * GiB) };
        var decision = HybridRouter.Decide(request, world);
        Assert.Equal(expected, decision.Plan.SingleOrDefault()?.Placement);
        Assert.Contains(decision.Rejected, r => r is { Candidate: "n" } && r.Rule == atDataRule);
        if (expected is null)
            Assert.Equal(atDataRule, decision.Refusal!.Rule); // the data's own node is what the refusal cites
    }

    [Fact]
    public void A_node_policy_that_does_not_allow_the_image_sends_the_work_where_it_is_allowed()
    {
        var world = World([new("ds", "n", 100 * MiB, "controlled")], [Node("n", allowed: ["builtin:*"])]);
        var decision = HybridRouter.Decide(Task("ds") with { Algorithm = new TaskAlgorithm("registry.example/fedavg:1", 300 * MiB) }, world);
        Assert.Equal("central", decision.Plan.Single().Location);
        var refused = decision.Rejected.Single(r => r.Candidate == "n");
        Assert.Equal(RoutingRules.NodePolicy, refused.Rule);
        Assert.Contains("builtin:*", refused.Remedy);
    }

    [Theory]
    [InlineData(new[] { "DE", "AT" }, Placements.Central)]
    [InlineData(new[] { "FR" }, Placements.AtData)]
    public void A_geographically_restricted_dataset_moves_only_within_its_countries(string[] countries, string expected)
    {
        var world = World([new("ds", "busy", MiB, "open", Countries: countries)], [Node("busy", queue: 20)]);
        Assert.Equal(expected, HybridRouter.Decide(Task("ds"), world).Plan.Single().Placement);
    }

    [Fact]
    public void An_unknown_dataset_or_node_is_named()
    {
        var unknown = HybridRouter.Decide(Task("nowhere"), World([], []));
        Assert.Equal(RoutingRules.KnownDataset, unknown.Refusal!.Rule);
        var orphan = HybridRouter.Decide(Task("ds"), World([new("ds", "gone", MiB, "open")], []));
        Assert.Equal(RoutingRules.NodeEnrolled, orphan.Refusal!.Rule);
    }

    [Fact]
    public void Results_meet_at_the_preferred_node_only_when_it_runs_a_part()
    {
        var world = World([new("a1", "a", 10 * GiB, "controlled"), new("b1", "b", 10 * GiB, "controlled")], [Node("a"), Node("b"), Node("x")]);
        Assert.Equal("b", HybridRouter.Decide(Task("a1", "b1") with { PreferredAggregator = "b" }, world).Aggregator);
        var elsewhere = HybridRouter.Decide(Task("a1", "b1") with { PreferredAggregator = "x" }, world);
        Assert.Equal("central", elsewhere.Aggregator);
        Assert.Contains(elsewhere.Rejected, r => r.Candidate == "x");
    }

    [Fact]
    public void An_exact_tie_keeps_the_data_at_its_node()
    {
        // Same bytes either way (code as large as the data), both queues empty.
        var world = World([new("ds", "n", 50_000, "open")], [Node("n")]);
        Assert.Equal(Placements.AtData, HybridRouter.Decide(Task("ds"), world).Plan.Single().Placement);
    }

    [Fact]
    public void Every_check_made_is_on_the_record()
    {
        var world = World([new("ds", "n", GiB, "controlled")], [Node("n")]);
        var decision = HybridRouter.Decide(Task("ds"), world);
        var atData = decision.Rules.Where(r => r.Candidate == "n").Select(r => r.Rule).ToList();
        Assert.Equal([RoutingRules.Preference, RoutingRules.NodeEnrolled, RoutingRules.NodeTier, RoutingRules.NodeOnline, RoutingRules.NodePolicy, RoutingRules.Capability], atData);
        Assert.All(decision.Rules, r => Assert.True(r.Passed));
    }
}
