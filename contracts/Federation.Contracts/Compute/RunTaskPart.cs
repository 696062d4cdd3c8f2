namespace Federation.Contracts.Compute;

/// <summary>
/// A command to one node: run this task's part on one of its datasets. Sent to the node's own queue
/// (<c>node-agent-&lt;node&gt;-tasks</c>) through the compute role's outbox. The node checks everything again
/// itself (the visa's signature, expiry, subject and dataset; its own policy; its consent withdrawals) and
/// refuses with a reason if anything fails: local policy wins over the central decision.
/// </summary>
public sealed record RunTaskPart
{
    public required string TaskId { get; init; }
    public required string Owner { get; init; }
    public required string Node { get; init; }
    public required string Dataset { get; init; }

    /// <summary><c>builtin:&lt;name&gt;</c> or an image.</summary>
    public required string Algorithm { get; init; }

    /// <summary>The researcher's GA4GH visa (ControlledAccessGrants) for <see cref="Dataset"/>, a signed JWT; null if compute had none.</summary>
    public string? Visa { get; init; }

    /// <summary>For iterative algorithms (federated training), the round this part belongs to (1, 2, …); 0 for a single pass.</summary>
    public int Round { get; init; }

    /// <summary>For an image (not a built-in algorithm): the executors, run one after another as TES says.</summary>
    public IReadOnlyList<TaskExecutorSpec>? Executors { get; init; }

    /// <summary>The dataset's path inside the working directory (the task's input path), and the output paths to bring back through the airlock.</summary>
    public string? InputPath { get; init; }

    public IReadOnlyList<string>? Outputs { get; init; }

    /// <summary>The algorithm's settings for this part (for federated training also the global model of the round).</summary>
    public IReadOnlyDictionary<string, string>? Parameters { get; init; }
}
