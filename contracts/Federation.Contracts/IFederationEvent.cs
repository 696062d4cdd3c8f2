using MassTransit;

namespace Federation.Contracts;

/// <summary>
/// The envelope every federation event carries, so that any consumer (partner, audit, projection)
/// can order, deduplicate and attribute an event without knowing its type.
/// </summary>
[ExcludeFromTopology] // an exchange per interface would copy every event once more on the broker
public interface IFederationEvent
{
    /// <summary>Unique per event; also the transport message id, so inboxes deduplicate on it.</summary>
    Guid EventId { get; }

    /// <summary>When the state change happened (UTC).</summary>
    DateTimeOffset OccurredAt { get; }

    /// <summary>The id of the aggregate whose state changed.</summary>
    string AggregateId { get; }

    /// <summary>Monotonic per aggregate: consumers drop an update whose version they have already seen.</summary>
    long AggregateVersion { get; }

    /// <summary>Who caused the change.</summary>
    Actor Actor { get; }

    /// <summary>Ties together everything caused by one request.</summary>
    Guid CorrelationId { get; }
}
