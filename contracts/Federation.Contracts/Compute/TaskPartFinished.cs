namespace Federation.Contracts.Compute;

/// <summary>
/// A node finished its part of a task: <see cref="State"/> COMPLETE with a <see cref="Result"/> that passed the
/// node's airlock (aggregates only, small cells withheld, no subject identifiers), or EXECUTOR_ERROR /
/// SYSTEM_ERROR with the node's reason (a refused visa, a local policy). AggregateId is <c>&lt;task&gt;/&lt;node&gt;/&lt;dataset&gt;</c>.
/// </summary>
public sealed record TaskPartFinished : FederationEvent
{
    public required string TaskId { get; init; }
    public required string Node { get; init; }
    public required string Dataset { get; init; }
    public required string State { get; init; }
    public string? Reason { get; init; }

    /// <summary>The round of <see cref="RunTaskPart.Round"/> this answers: a late answer to an earlier round is recognised as such.</summary>
    public int Round { get; init; }

    /// <summary>The released result, JSON (for cohort statistics: subjects and distributions).</summary>
    public string? Result { get; init; }
}
