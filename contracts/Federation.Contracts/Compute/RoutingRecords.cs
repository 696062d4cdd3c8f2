namespace Federation.Contracts.Compute;

/// <summary>Where one dataset's part of a task runs: <see cref="Placement"/> <c>at-data</c> (at node <see cref="Location"/>) or <c>central</c>.</summary>
/// <param name="EstimatedSeconds">Transfer plus expected wait: the score the choice was made on.</param>
public sealed record RoutingPlacement(string Dataset, string Placement, string Location, double EstimatedSeconds);

/// <summary>One rule's verdict on one candidate placement: passed, or why not and what would make it pass.</summary>
public sealed record RoutingCheck(string Rule, string Dataset, string Candidate, bool Passed, string Detail, string? Remedy = null);

/// <summary>A placement considered and not taken, with the rule (or the cost estimate) that decided against it.</summary>
public sealed record RoutingAlternative(string Dataset, string Candidate, string Rule, string Reason, string? Remedy);
