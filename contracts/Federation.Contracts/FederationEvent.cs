using MassTransit;

namespace Federation.Contracts;

/// <summary>
/// Base record of every event. The envelope is stamped by the publishing service
/// (see <c>EventStamp</c> in ServiceDefaults) so domain code sets only what changed.
/// </summary>
[ExcludeFromTopology]
public abstract record FederationEvent : IFederationEvent
{
    public Guid EventId { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
    public string AggregateId { get; init; } = "";
    public long AggregateVersion { get; init; }
    public Actor Actor { get; init; } = Actor.System;
    public Guid CorrelationId { get; init; }
}
