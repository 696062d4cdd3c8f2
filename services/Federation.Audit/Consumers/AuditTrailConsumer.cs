using System.Text.Json;
using Federation.Audit.Chain;
using Federation.Audit.Data;
using Federation.Audit.Domain;
using Federation.Contracts;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using MassTransit;

namespace Federation.Audit.Consumers;

/// <summary>Records one federation event in the audit trail. Closed over every event type in the contracts.</summary>
public sealed class AuditTrailConsumer<TEvent>(GroupCommit<AuditDbContext> store, TimeProvider clock)
    : InboxConsumer<AuditDbContext, TEvent>(store)
    where TEvent : class, IFederationEvent
{
    private static readonly string EventType = EventCatalog.Urn(typeof(TEvent));

    /// <summary>Links the entry to the chain in this batch's order: sequence, previous hash and hash are assigned here.</summary>
    protected override Task Apply(AuditDbContext db, ConsumeContext<TEvent> context, CancellationToken cancellationToken) =>
        AuditChain.Append(db, Entry(context.Message, clock.GetUtcNow()), cancellationToken);

    /// <summary>The entry of one event, before the chain links it: also used where the role records its own events directly.</summary>
    public static AuditEntry Entry(TEvent e, DateTimeOffset recordedAt) => new()
    {
        EventId = e.EventId,
        EventType = EventType,
        AggregateId = e.AggregateId,
        AggregateVersion = e.AggregateVersion,
        ActorSubject = e.Actor.Subject,
        ActorKind = e.Actor.Kind,
        ActorRole = e.Actor.Role,
        CorrelationId = e.CorrelationId,
        OccurredAt = e.OccurredAt.UtcDateTime,
        RecordedAt = recordedAt.UtcDateTime,
        Payload = JsonSerializer.Serialize(e, typeof(TEvent), JsonSerializerOptions.Web),
    };

    /// <summary>The key of this consumer's inbox rows (one for every event type: they share the queue).</summary>
    public static string Inbox => EndpointNames.Describe(typeof(AuditTrailConsumer<TEvent>));
}
