namespace Federation.Contracts.Discovery;

/// <summary>
/// Which subjects a federated count query is about: those with images of the modality and body part,
/// of the sex, aged (at their first study) within the range, in the datasets named (or in all).
/// </summary>
public sealed record SubjectFilter(
    string? Modality = null,
    string? BodyPart = null,
    string? CancerType = null,
    string? Sex = null,
    int? MinAge = null,
    int? MaxAge = null,
    IReadOnlyList<string>? DatasetIds = null);
