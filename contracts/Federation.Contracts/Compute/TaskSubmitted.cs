namespace Federation.Contracts.Compute;

/// <summary>A researcher (or partner) submitted a task through the TES API. AggregateId is the task id.</summary>
public sealed record TaskSubmitted : FederationEvent
{
    public required string TaskId { get; init; }
    public required string Owner { get; init; }
    public string? Name { get; init; }

    /// <summary>The datasets the task reads (its <c>federation://datasets/&lt;id&gt;</c> inputs).</summary>
    public required IReadOnlyList<string> Datasets { get; init; }

    /// <summary>The executor's image: <c>builtin:&lt;algorithm&gt;</c> or a container image.</summary>
    public required string Algorithm { get; init; }

    /// <summary><c>auto</c>, <c>at-data</c> or <c>central</c>.</summary>
    public required string Placement { get; init; }
}
