namespace Federation.Compute.Routing;

/// <summary>Where one dataset's part of a task runs.</summary>
public enum Placement
{
    AtData,
    Central,
}

/// <summary>The kind of plan: every dataset at its node, every dataset moved to the central node, or some of each.</summary>
public enum PlanKind
{
    AtData,
    Central,
    Hybrid,
}

/// <param name="Location">The node's name for at-data, <c>central</c> otherwise.</param>
/// <param name="EstimatedSeconds">Transfer plus expected wait, the score the choice was made on.</param>
public sealed record DatasetPlacement(string Dataset, Placement Placement, string Location, double EstimatedSeconds);

/// <summary>One rule's verdict on one candidate: passed, or why it failed and what would make it pass.</summary>
public sealed record RuleOutcome(string Rule, string Dataset, string Candidate, bool Passed, string Detail, string? Remedy = null);

/// <summary>A placement considered and not taken, with the rule (or the score) that decided against it.</summary>
public sealed record RejectedAlternative(string Dataset, string Candidate, string Rule, string Reason, string? Remedy);

/// <summary>
/// The router's answer: either a plan (with every rule that fired and every alternative it rejected), or a refusal
/// naming the first rule that left a dataset nowhere to run and what would make it pass.
/// </summary>
public sealed record RoutingDecision(
    string TaskId,
    bool Routed,
    PlanKind? Kind,
    IReadOnlyList<DatasetPlacement> Plan,
    string? Aggregator,
    IReadOnlyList<RuleOutcome> Rules,
    IReadOnlyList<RejectedAlternative> Rejected,
    RejectedAlternative? Refusal);

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
