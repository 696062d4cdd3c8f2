using Federation.AccessRequests.Domain;

namespace Federation.AccessRequests.Api;

/// <summary>Body of <c>POST /api/access-requests</c>. Fields are nullable so that a missing one gets a named validation error.</summary>
public sealed record CreateAccessRequest(string? Title, IReadOnlyList<string?>? DatasetIds, string? Purpose)
{
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Title))
            errors["title"] = ["A title is required."];
        else if (Title.Trim().Length > AccessRequestLimits.TitleLength)
            errors["title"] = [$"The title may have at most {AccessRequestLimits.TitleLength} characters."];
        else if (Title.Any(char.IsControl))
            errors["title"] = ["The title may not contain control characters."];

        if (DatasetIds is null || DatasetIds.Count == 0)
            errors["datasetIds"] = ["At least one dataset id is required."];
        else if (DatasetIds.Count > AccessRequestLimits.MaxDatasets)
            errors["datasetIds"] = [$"At most {AccessRequestLimits.MaxDatasets} datasets per request."];
        else if (DatasetIds.Any(d => string.IsNullOrWhiteSpace(d) || d.Trim().Length > AccessRequestLimits.DatasetIdLength || d.Any(char.IsControl)))
            errors["datasetIds"] = [$"Each dataset id must be 1 to {AccessRequestLimits.DatasetIdLength} printable characters."];
        else if (NormalizedDatasetIds().Count != DatasetIds.Count)
            errors["datasetIds"] = ["A dataset may be requested only once per request."];

        if (Purpose is { Length: > AccessRequestLimits.PurposeLength })
            errors["purpose"] = [$"The purpose may have at most {AccessRequestLimits.PurposeLength} characters."];
        return errors;
    }

    public IReadOnlyList<string> NormalizedDatasetIds() =>
        (DatasetIds ?? []).Select(d => d!.Trim()).Distinct(StringComparer.Ordinal).ToList();
}

public sealed record AccessRequestView(
    Guid Id,
    string Title,
    string? Purpose,
    string Applicant,
    string State,
    long Version,
    IReadOnlyList<string> DatasetIds,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SubmittedAt,
    IReadOnlyList<string> AllowedActions)
{
    public static AccessRequestView Of(AccessRequest r) => new(
        r.Id,
        r.Title,
        r.Purpose,
        r.Applicant,
        r.State.ToString().ToLowerInvariant(),
        r.Version,
        r.DatasetIds,
        DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc),
        r.SubmittedAt is { } s ? DateTime.SpecifyKind(s, DateTimeKind.Utc) : null,
        r.AllowedActions());
}

public sealed record AccessRequestList(IReadOnlyList<AccessRequestView> Items);
