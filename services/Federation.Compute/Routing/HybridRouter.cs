using Federation.Contracts.Compute;

namespace Federation.Compute.Routing;

/// <summary>
/// Decides, for every dataset a task needs, whether its part runs at the node holding the data (at-data) or at the
/// central node after the data is copied there (central), and where results are aggregated. Hard rules first (an
/// active visa for every dataset; where the data may go: access model, DUO institution and geography restrictions;
/// the node's enrolment, tier, liveness, local policy and capabilities; the researcher's preference); among the
/// placements left, the cheaper by estimate wins: bytes to move ÷ bandwidth plus the expected wait of the queue
/// there; a tie keeps the data where it is. Every check is recorded, and every alternative not taken says why.
/// A pure function: no clock, no store, no bus, so that it can be tested by table and replayed from its record.
/// </summary>
public static class HybridRouter
{
    public const string CentralName = "central";

    public static RoutingDecision Decide(RoutingRequest request, RoutingContext context)
    {
        var rules = new List<RoutingCheck>();
        var rejected = new List<RoutingAlternative>();
        var plan = new List<RoutingPlacement>();
        foreach (var dataset in request.Datasets.Distinct(StringComparer.Ordinal))
        {
            var refusal = Place(request, context, dataset, rules, rejected, plan);
            if (refusal is not null)
                return new RoutingDecision(request.TaskId, false, null, [], null, rules, rejected, refusal);
        }

        var atData = plan.Where(p => p.Placement == Placements.AtData).Select(p => p.Location).ToHashSet(StringComparer.Ordinal);
        var kind = atData.Count == 0 ? PlanKinds.Central : plan.All(p => p.Placement == Placements.AtData) ? PlanKinds.AtData : PlanKinds.Hybrid;
        return new RoutingDecision(request.TaskId, true, kind, plan, Aggregator(request, atData, rejected), rules, rejected, null);
    }

    /// <summary>Places one dataset; returns the refusal when no placement passes the rules.</summary>
    private static RoutingAlternative? Place(RoutingRequest request, RoutingContext context, string dataset,
        List<RoutingCheck> rules, List<RoutingAlternative> rejected, List<RoutingPlacement> plan)
    {
        if (!context.Datasets.TryGetValue(dataset, out var facts))
            return Refuse(rules, rejected, dataset, "any", RoutingRules.KnownDataset, $"There is no dataset '{dataset}' in the catalogue.",
                "Check the dataset id against GET /api/datasets.");
        if (!context.EntitledDatasets.Contains(dataset))
            return Refuse(rules, rejected, dataset, "any", RoutingRules.Entitlement,
                $"Your passport holds no active visa (ControlledAccessGrants) for dataset '{dataset}'.",
                $"File an access request for '{dataset}' (POST /api/access-requests) and run the task once it is approved.");
        rules.Add(new RoutingCheck(RoutingRules.Entitlement, dataset, "any", true, "an active visa covers it"));

        context.Nodes.TryGetValue(facts.Node, out var node);
        var candidates = new List<(string Placement, string Location, RoutingAlternative? Failure, double Seconds)>
        {
            Candidate(Placements.AtData, facts.Node, AtDataChecks(request, context, facts, node), rules, dataset,
                () => Seconds(request.Algorithm.CodeBytes, node!.Capabilities.BandwidthBitsPerSecond) + node.QueueLength * context.ExpectedTaskDuration.TotalSeconds),
            Candidate(Placements.Central, CentralName, CentralChecks(request, context, facts, node), rules, dataset,
                () => Seconds(facts.SizeBytes, node!.Capabilities.BandwidthBitsPerSecond) + context.Central.QueueLength * context.ExpectedTaskDuration.TotalSeconds),
        };

        var passing = candidates.Where(c => c.Failure is null).OrderBy(c => c.Seconds).ThenBy(c => c.Placement == Placements.AtData ? 0 : 1).ToList(); // a tie keeps the data at its node
        rejected.AddRange(candidates.Where(c => c.Failure is not null).Select(c => c.Failure!));
        if (passing.Count == 0)
        {
            // The refusal cites the placement the researcher would have got: their preference, else the data's own node.
            var cited = request.Preference == PlacementPreference.Central ? candidates[1] : candidates[0];
            return cited.Failure;
        }

        var chosen = passing[0];
        foreach (var other in passing.Skip(1))
            rejected.Add(new RoutingAlternative(dataset, other.Location, RoutingRules.Cost,
                $"estimated {other.Seconds:0.#} s (transfer and queue) against {chosen.Seconds:0.#} s at {chosen.Location}", null));
        plan.Add(new RoutingPlacement(dataset, chosen.Placement, chosen.Location, chosen.Seconds));
        return null;
    }

    private delegate RoutingCheck? Check();

    private static (string, string, RoutingAlternative?, double) Candidate(string placement, string location, IEnumerable<Check> checks,
        List<RoutingCheck> rules, string dataset, Func<double> estimate)
    {
        foreach (var check in checks)
        {
            var outcome = check();
            if (outcome is null)
                continue;
            rules.Add(outcome with { Dataset = dataset, Candidate = location });
            if (!outcome.Passed)
                return (placement, location, new RoutingAlternative(dataset, location, outcome.Rule, outcome.Detail, outcome.Remedy), double.PositiveInfinity);
        }
        return (placement, location, null, estimate());
    }

    private static IEnumerable<Check> AtDataChecks(RoutingRequest request, RoutingContext context, DatasetFacts facts, NodeFacts? node)
    {
        yield return () => Rule(RoutingRules.Preference, request.Preference != PlacementPreference.Central,
            "the task asks for central placement", "Ask for placement auto or at-data.");
        yield return () => Enrolled(node, facts.Node);
        yield return () => Rule(RoutingRules.NodeTier, node!.Tier == NodeTiers.ProcessingCapable,
            $"node {node.Name} is {node.Tier}, and only processing-capable nodes run code",
            $"The operator of {node.Name} can ask for the processing-capable tier; or allow the data to move (placement auto).");
        yield return () => Online(node!);
        yield return () => Policy(request.Algorithm, node!.AllowedAlgorithms, $"node {node.Name}");
        yield return () => Fits(request.Resources, node!.Capabilities, $"node {node.Name}");
    }

    private static IEnumerable<Check> CentralChecks(RoutingRequest request, RoutingContext context, DatasetFacts facts, NodeFacts? node)
    {
        var central = context.Central;
        yield return () => Rule(RoutingRules.Preference, request.Preference != PlacementPreference.AtData,
            "the task asks to keep every dataset at its node", "Ask for placement auto or central.");
        yield return () => Rule(RoutingRules.AccessModel, facts.AccessModel != "federated",
            $"dataset {facts.Id} is federated-only: its data never leaves node {facts.Node}", "Run it at its node (placement auto or at-data).");
        yield return () => Rule(RoutingRules.InstitutionBound, !facts.InstitutionBound || (node is not null && node.Institution == central.Institution),
            $"dataset {facts.Id}'s consent restricts its use to its own institution (DUO IS)", "Run it at its node (placement auto or at-data).");
        yield return () => Rule(RoutingRules.Geography, facts.Countries is not { Count: > 0 } c || c.Contains(central.Country),
            $"dataset {facts.Id} may be processed only in {string.Join(", ", facts.Countries ?? [])} (DUO GS), and the central node is in {central.Country}",
            "Run it at its node (placement auto or at-data).");
        // The copy is made by the holding node's agent: it must be enrolled and reachable.
        yield return () => Enrolled(node, facts.Node);
        yield return () => Online(node!);
        yield return () => Policy(request.Algorithm, central.AllowedAlgorithms, "the central node");
        yield return () => Fits(request.Resources, central.Capabilities, "the central node");
    }

    private static RoutingCheck Enrolled(NodeFacts? node, string name) =>
        Rule(RoutingRules.NodeEnrolled, node is { Approved: true }, $"node {name} is not an approved member of the federation",
            $"A platform admin must approve node {name}.");

    private static RoutingCheck Online(NodeFacts node) =>
        Rule(RoutingRules.NodeOnline, node.Online, $"node {node.Name} has sent no recent heartbeat",
            $"Wait until node {node.Name} is online again (GET /api/nodes/{node.Name}).");

    private static RoutingCheck Policy(TaskAlgorithm algorithm, IReadOnlyList<string>? allowed, string where)
    {
        var permitted = allowed is null
            ? algorithm.IsBuiltIn
            : allowed.Contains(algorithm.Id, StringComparer.Ordinal) || (algorithm.IsBuiltIn && allowed.Contains("builtin:*", StringComparer.Ordinal));
        return Rule(RoutingRules.NodePolicy, permitted, $"{where}'s policy does not allow {algorithm.Id}",
            allowed is null ? "Use a built-in algorithm, or ask the operator to allow this image." : $"Use one of: {string.Join(", ", allowed)}; or ask the operator to allow {algorithm.Id}.");
    }

    private static RoutingCheck Fits(TaskResources needs, NodeCapabilities has, string where)
    {
        var gaps = new List<string>();
        if (needs.Cpus > has.Cpus)
            gaps.Add($"{needs.Cpus} CPUs (has {has.Cpus})");
        if (needs.MemoryBytes > has.MemoryBytes)
            gaps.Add($"{Gib(needs.MemoryBytes)} GiB memory (has {Gib(has.MemoryBytes)})");
        if (needs.Gpus > has.Gpus)
            gaps.Add($"{needs.Gpus} GPUs (has {has.Gpus})");
        else if (needs.Gpus > 0 && needs.GpuMemoryBytes > has.GpuMemoryBytes)
            gaps.Add($"{Gib(needs.GpuMemoryBytes)} GiB per GPU (has {Gib(has.GpuMemoryBytes)})");
        return Rule(RoutingRules.Capability, gaps.Count == 0, $"{where} lacks {string.Join(", ", gaps)}",
            "Ask for fewer resources, or let the task run elsewhere (placement auto).");
    }

    private static RoutingCheck Rule(string rule, bool passed, string failure, string remedy) =>
        passed ? new RoutingCheck(rule, "", "", true, "passed") : new RoutingCheck(rule, "", "", false, failure, remedy);

    private static RoutingAlternative Refuse(List<RoutingCheck> rules, List<RoutingAlternative> rejected, string dataset, string candidate,
        string rule, string reason, string remedy)
    {
        rules.Add(new RoutingCheck(rule, dataset, candidate, false, reason, remedy));
        var refusal = new RoutingAlternative(dataset, candidate, rule, reason, remedy);
        rejected.Add(refusal);
        return refusal;
    }

    /// <summary>The aggregation point: the preferred node when it runs a part of this task, else the central node.</summary>
    private static string Aggregator(RoutingRequest request, IReadOnlySet<string> atDataNodes, List<RoutingAlternative> rejected)
    {
        if (request.PreferredAggregator is not { } preferred || preferred == CentralName)
            return CentralName;
        if (atDataNodes.Contains(preferred))
            return preferred;
        rejected.Add(new RoutingAlternative("*", preferred, RoutingRules.CentralLocation,
            $"{preferred} runs no part of this task, so results would have to travel to it; they are aggregated centrally instead", null));
        return CentralName;
    }

    private static double Seconds(long bytes, long bitsPerSecond) => bitsPerSecond <= 0 ? double.PositiveInfinity : bytes * 8.0 / bitsPerSecond;

    private static string Gib(long bytes) => (bytes / (double)(1L << 30)).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
}
