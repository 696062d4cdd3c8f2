namespace Federation.Contracts.Access;

/// <summary>
/// The whole state of an access request after a change. Every access-request event carries one, so
/// that a partner can stay in sync from the events alone (DESIGN: partners must never need to poll).
/// </summary>
public sealed record AccessRequestSnapshot(
    Guid RequestId,
    long Version,
    string State,
    string Title,
    string? Purpose,
    ResearchPurposeTerms? PurposeTerms,
    string Applicant,
    IReadOnlyList<string> Team,
    DateOnly? ProjectStart,
    DateOnly? ProjectEnd,
    IReadOnlyList<DatasetSubRequest> Datasets);

/// <summary>
/// One requested dataset at its data holder. <paramref name="State"/> is pending, underReview,
/// conditionsProposed, approved, declined or madeAvailable; <paramref name="ConsentCheck"/> the consent
/// role's automatic result (permit, deny, needsReview) once it has arrived.
/// </summary>
public sealed record DatasetSubRequest(
    string DatasetId,
    string? DataHolder,
    string State,
    string? ConsentCheck,
    string? Conditions,
    string? OverrideReason);
