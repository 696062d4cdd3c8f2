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
    protected override Task Apply(AuditDbContext db, ConsumeContext<TEvent> context, CancellationToken cancellationToken)
    {
        var e = context.Message;
        return AuditChain.Append(db, new AuditEntry
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
            RecordedAt = clock.GetUtcNow().UtcDateTime,
            Payload = JsonSerializer.Serialize(e, typeof(TEvent), JsonSerializerOptions.Web),
        }, cancellationToken);
    }
}
