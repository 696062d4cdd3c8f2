namespace Federation.Contracts.Audit;

/// <summary>
/// One entry of a node agent's local audit chain: a task part it was asked to run, what it decided (<see cref="State"/>
/// COMPLETE when it ran and released, or the error with its <see cref="Reason"/>), and the SHA-256 of what it released.
/// Never the visa itself (<see cref="VisaHash"/>) nor the result (<see cref="ResultHash"/>). <see cref="Hash"/> covers
/// every field and <see cref="PreviousHash"/> (the node's canonical form; see the node agent's README).
/// </summary>
public sealed record NodeAuditRecord(
    long Sequence,
    string TaskId,
    string Owner,
    string Dataset,
    string Algorithm,
    string? VisaHash,
    string State,
    string? Reason,
    string? ResultHash,
    DateTimeOffset RecordedAt,
    string PreviousHash,
    string Hash);
