using Federation.Contracts.Access;
using Federation.ServiceDefaults.Domain;
using Federation.ServiceDefaults.Events;

namespace Federation.AccessRequests.Entitlements;

public enum EntitlementState
{
    Active,
    Revoked,
    Expired,
}

/// <summary>
/// A researcher's right to use one dataset from <see cref="Start"/> until <see cref="End"/>, created by the
/// approval of that dataset in an access request. It ends by revocation or at its end, each with one
/// event, so that compute stops using the data; a GA4GH visa is issued only while it is in force.
/// </summary>
public sealed class Entitlement
{
    private const string Kind = "entitlement";

    public Guid Id { get; private set; }
    public Guid RequestId { get; private set; }

    /// <summary>The researcher's subject (the request's applicant).</summary>
    public string Subject { get; private set; } = "";

    public string DatasetId { get; private set; } = "";
    public string DataHolder { get; private set; } = "";
    public string? Conditions { get; private set; }

    /// <summary>When the DAC approved (the visa's <c>asserted</c>).</summary>
    public DateTime GrantedAt { get; private set; }

    public DateTime Start { get; private set; }
    public DateTime End { get; private set; }
    public EntitlementState State { get; private set; }
    public DateTime? EndedAt { get; private set; }
    public string? EndReason { get; private set; }
    public long Version { get; private set; }

    /// <summary>In force at <paramref name="now"/>: active, started and not yet at its end.</summary>
    public bool InForceAt(DateTimeOffset now) => State == EntitlementState.Active && Start <= now.UtcDateTime && now.UtcDateTime < End;

    public static (Entitlement Entitlement, EntitlementGranted Event) Grant(
        Guid requestId, string subject, string datasetId, string dataHolder, string? conditions, DateTimeOffset now, DateTimeOffset start, DateTimeOffset end,
        EventStamp stamp)
    {
        var entitlement = new Entitlement
        {
            Id = Guid.CreateVersion7(now),
            RequestId = requestId,
            Subject = subject,
            DatasetId = datasetId,
            DataHolder = dataHolder,
            Conditions = conditions,
            GrantedAt = now.UtcDateTime,
            Start = start.UtcDateTime,
            End = end.UtcDateTime,
            State = EntitlementState.Active,
            Version = 1,
        };
        var granted = new EntitlementGranted
        {
            EntitlementId = entitlement.Id,
            RequestId = requestId,
            Subject = subject,
            DatasetId = datasetId,
            DataHolder = dataHolder,
            Conditions = conditions,
            Start = start,
            End = end,
        };
        return (entitlement, stamp.Stamp(granted, entitlement.Id.ToString(), entitlement.Version));
    }

    public EntitlementRevoked Revoke(string reason, DateTimeOffset now, EventStamp stamp)
    {
        if (State != EntitlementState.Active)
            throw new InvalidTransitionException(Kind, State.ToString().ToLowerInvariant(), "revoke", []);
        State = EntitlementState.Revoked;
        EndedAt = now.UtcDateTime;
        EndReason = reason;
        Version++;
        return stamp.Stamp(new EntitlementRevoked
        {
            EntitlementId = Id,
            RequestId = RequestId,
            Subject = Subject,
            DatasetId = DatasetId,
            DataHolder = DataHolder,
            Reason = reason,
            RevokedAt = now,
        }, Id.ToString(), Version);
    }

    /// <summary>Called by the review clock once <see cref="End"/> has passed; the event says when it ended (its end, not when noticed).</summary>
    public EntitlementExpired Expire(EventStamp stamp)
    {
        if (State != EntitlementState.Active)
            throw new InvalidTransitionException(Kind, State.ToString().ToLowerInvariant(), "expire", []);
        State = EntitlementState.Expired;
        EndedAt = End;
        EndReason = "expired";
        Version++;
        return stamp.Stamp(new EntitlementExpired
        {
            EntitlementId = Id,
            RequestId = RequestId,
            Subject = Subject,
            DatasetId = DatasetId,
            DataHolder = DataHolder,
            ExpiredAt = DateTime.SpecifyKind(End, DateTimeKind.Utc),
        }, Id.ToString(), Version);
    }
}
