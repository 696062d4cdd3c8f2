namespace Federation.Contracts.Compute;

/// <summary>
/// A task, or a node's part of it, changed state (TES states: QUEUED, INITIALIZING, RUNNING, PAUSED, COMPLETE,
/// EXECUTOR_ERROR, SYSTEM_ERROR, CANCELED, PREEMPTED, CANCELING). AggregateId is the task id.
/// </summary>
public sealed record TaskStateChanged : FederationEvent
{
    public required string TaskId { get; init; }
    public required string Owner { get; init; }
    public required string State { get; init; }

    /// <summary>The node whose part changed; null for the task as a whole (or its central part).</summary>
    public string? Node { get; init; }

    public string? Reason { get; init; }
}
