namespace Federation.Compute.Tasks;

/// <summary>One node's part of a task: one dataset at its node, sent as <c>RunTaskPart</c>, finished by <c>TaskPartFinished</c>.</summary>
public sealed class TaskPart
{
    public string TaskId { get; set; } = "";
    public string Node { get; set; } = "";
    public string Dataset { get; set; } = "";
    public string State { get; set; } = TesStates.Queued;
    public string? Reason { get; set; }

    /// <summary>The released result (JSON), as the node's airlock let it out.</summary>
    public string? Result { get; set; }

    /// <summary>The round the part runs (federated training); 0 for a single pass. A result for another round is stale.</summary>
    public int Round { get; set; }

    /// <summary><see cref="TaskPartKinds.Run"/> (the node runs it) or <see cref="TaskPartKinds.Transfer"/> (the node copies the dataset to the central node).</summary>
    public string Kind { get; set; } = TaskPartKinds.Run;

    /// <summary>The researcher's visa for the dataset, kept for the later rounds of an iterative task (the node checks it each time).</summary>
    public string? Visa { get; set; }
}

public static class TaskPartKinds
{
    public const string Run = "run";
    public const string Transfer = "transfer";
}
