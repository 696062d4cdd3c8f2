using Federation.Contracts.Access;
using Federation.ServiceDefaults.Domain;
using Federation.ServiceDefaults.Events;

namespace Federation.AccessRequests.Domain;

/// <summary>
/// A researcher's request for access to datasets. Every state change bumps <see cref="Version"/>
/// (also the optimistic-concurrency token) and returns exactly one event.
/// </summary>
public sealed class AccessRequest
{
    private const string Kind = "access request";

    public Guid Id { get; private set; }

    public string Title { get; private set; } = "";

    public string? Purpose { get; private set; }

    /// <summary>Subject of the researcher who filed the request.</summary>
    public string Applicant { get; private set; } = "";

    public AccessRequestState State { get; private set; }

    public long Version { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime? SubmittedAt { get; private set; }

    public List<RequestedDataset> Datasets { get; private set; } = [];

    public IReadOnlyList<string> DatasetIds => Datasets.OrderBy(d => d.Position).Select(d => d.DatasetId).ToList();

    public static (AccessRequest Request, AccessRequestDrafted Event) Draft(string title, IReadOnlyList<string> datasetIds, string? purpose, EventStamp stamp)
    {
        var request = new AccessRequest
        {
            Id = Guid.CreateVersion7(stamp.Now),
            Title = title,
            Purpose = purpose,
            Applicant = stamp.Actor.Subject,
            State = AccessRequestState.Draft,
            Version = 1,
            CreatedAt = stamp.Now.UtcDateTime,
        };
        request.Datasets = datasetIds.Select((id, i) => new RequestedDataset { RequestId = request.Id, DatasetId = id, Position = i }).ToList();
        var drafted = new AccessRequestDrafted
        {
            RequestId = request.Id,
            Title = title,
            Applicant = request.Applicant,
            DatasetIds = datasetIds,
        };
        return (request, stamp.Stamp(drafted, request.Id.ToString(), request.Version));
    }

    public AccessRequestSubmitted Submit(EventStamp stamp)
    {
        if (State != AccessRequestState.Draft)
            throw new InvalidTransitionException(Kind, State.ToString().ToLowerInvariant(), "submit", AllowedActions());
        State = AccessRequestState.Submitted;
        SubmittedAt = stamp.Now.UtcDateTime;
        Version++;
        var submitted = new AccessRequestSubmitted
        {
            RequestId = Id,
            Title = Title,
            Applicant = Applicant,
            DatasetIds = DatasetIds,
            Purpose = Purpose,
            SubmittedAt = stamp.Now,
        };
        return stamp.Stamp(submitted, Id.ToString(), Version);
    }

    public IReadOnlyList<string> AllowedActions() => State switch
    {
        AccessRequestState.Draft => ["submit"],
        _ => [],
    };
}
