namespace Federation.Contracts.Audit;

/// <summary>
/// One entry of a node agent's local audit chain: one outcome of a task part (a round of it, or a data transfer) that the
/// node released, exactly what its <c>TaskPartFinished</c> says (<see cref="State"/> COMPLETE, or the error or refusal
/// with its <see cref="Reason"/>), with the SHA-256 of what it released, and what ran: the owner, the algorithm
/// (<c>transfer</c> for a data transfer) and the SHA-256 of the visa it ran under. Never the visa itself
/// (<see cref="VisaHash"/>) nor the result (<see cref="ResultHash"/>). <see cref="Hash"/> covers every field and
/// <see cref="PreviousHash"/> (the node's canonical form; see the node agent's README).
/// </summary>
public sealed record NodeAuditRecord(
    long Sequence,
    string TaskId,
    string Dataset,
    int Round,
    string? Owner,
    string? Algorithm,
    string? VisaHash,
    string State,
    string? Reason,
    string? ResultHash,
    DateTimeOffset RecordedAt,
    string PreviousHash,
    string Hash);
