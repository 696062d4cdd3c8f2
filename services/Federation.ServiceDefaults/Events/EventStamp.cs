using Federation.Contracts;

namespace Federation.ServiceDefaults.Events;

/// <summary>
/// Who is acting and under which correlation, for the events one unit of work publishes. Domain code
/// builds an event with what changed; <see cref="Stamp{T}"/> adds the envelope, so no event leaves
/// without one.
/// </summary>
public sealed record EventStamp(Actor Actor, Guid CorrelationId, TimeProvider Clock)
{
    public DateTimeOffset Now => Clock.GetUtcNow();

    public T Stamp<T>(T evt, string aggregateId, long aggregateVersion) where T : FederationEvent =>
        evt with
        {
            // Version 7 ids sort by time, which keeps inbox and audit indexes append-mostly.
            EventId = Guid.CreateVersion7(Clock.GetUtcNow()),
            OccurredAt = Clock.GetUtcNow(),
            AggregateId = aggregateId,
            AggregateVersion = aggregateVersion,
            Actor = Actor,
            CorrelationId = CorrelationId,
        };
}
