namespace Federation.NodeAgent.Airlock;

/// <summary>
/// A result that passed the automatic checks and waits for the node operator (the node's policy asks for manual
/// release of its algorithm). Released, it leaves as the part's result; withheld, the part fails with the reason.
/// </summary>
public sealed class HeldRelease
{
    public Guid Id { get; set; }
    public string TaskId { get; set; } = "";
    public string Dataset { get; set; } = "";
    public int Round { get; set; }
    public string Algorithm { get; set; } = "";
    public string Owner { get; set; } = "";

    /// <summary>What would leave: the result JSON, shown whole to the operator who decides.</summary>
    public string Result { get; set; } = "";

    /// <summary>The part's outcome as the executor left it (COMPLETE or EXECUTOR_ERROR), and why: what a release reports.</summary>
    public string PartState { get; set; } = "";

    public string PartReason { get; set; } = "";

    public string State { get; set; } = HeldReleaseStates.Held;
    public DateTime HeldAt { get; set; }
    public string? DecidedBy { get; set; }
    public DateTime? DecidedAt { get; set; }
    public string? Reason { get; set; }

    /// <summary>The trace the part ran in, so the release continues it.</summary>
    public Guid CorrelationId { get; set; }

    public long Version { get; set; }
}

public static class HeldReleaseStates
{
    public const string Held = "held";
    public const string Released = "released";
    public const string Withheld = "withheld";
}
