namespace Federation.Contracts.Compute;

/// <summary>
/// The hybrid router decided where a task runs, or refused it. Carries the whole decision: the plan, every check
/// made, every alternative rejected and why, and for a refusal the rule and its remedy. AggregateId is the task id.
/// </summary>
public sealed record TaskRouted : FederationEvent
{
    public required string TaskId { get; init; }
    public required string Owner { get; init; }
    public required bool Routed { get; init; }

    /// <summary><c>at-data</c>, <c>central</c> or <c>hybrid</c>; null when refused.</summary>
    public string? Kind { get; init; }

    public required IReadOnlyList<RoutingPlacement> Plan { get; init; }
    public string? Aggregator { get; init; }
    public required IReadOnlyList<RoutingCheck> Checks { get; init; }
    public required IReadOnlyList<RoutingAlternative> Rejected { get; init; }
    public RoutingAlternative? Refusal { get; init; }
}
