using Federation.Contracts.Compute;

namespace Federation.Compute.Routing;

/// <summary>Where one dataset's part of a task runs (the wire values of <see cref="RoutingPlacement.Placement"/>).</summary>
public static class Placements
{
    public const string AtData = "at-data";
    public const string Central = "central";
}

/// <summary>The kind of plan: every dataset at its node, every dataset moved to the central node, or some of each.</summary>
public static class PlanKinds
{
    public const string AtData = "at-data";
    public const string Central = "central";
    public const string Hybrid = "hybrid";
}

/// <summary>
/// The router's answer: either a plan (with every check made and every alternative it rejected), or a refusal
/// naming the first rule that left a dataset nowhere to run and what would make it pass. The parts are the
/// contract's records, so that <c>TaskRouted</c> carries the decision as made.
/// </summary>
public sealed record RoutingDecision(
    string TaskId,
    bool Routed,
    string? Kind,
    IReadOnlyList<RoutingPlacement> Plan,
    string? Aggregator,
    IReadOnlyList<RoutingCheck> Rules,
    IReadOnlyList<RoutingAlternative> Rejected,
    RoutingAlternative? Refusal);
/// <summary>The rules' names, stable: decision records and refusals cite them.</summary>
public static class RoutingRules
{
    public const string Entitlement = "entitlement";
    public const string KnownDataset = "known-dataset";
    public const string Preference = "placement-preference";
    public const string AccessModel = "access-model";
    public const string InstitutionBound = "consent-institution";
    public const string Geography = "consent-geography";
    public const string NodeEnrolled = "node-enrolled";
    public const string NodeTier = "node-tier";
    public const string NodeOnline = "node-online";
    public const string NodePolicy = "node-policy";
    public const string Capability = "capability";
    public const string Cost = "cost";
    public const string CentralLocation = "central";
}
