namespace Federation.Contracts.Access;

/// <summary>The consent check of one dataset: outcome (permit, deny, needsReview) and the sentences that explain it.</summary>
public sealed record DatasetCheck(
    string DatasetId,
    string? DataHolder,
    int? ConditionsVersion,
    string Outcome,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> Obligations);
