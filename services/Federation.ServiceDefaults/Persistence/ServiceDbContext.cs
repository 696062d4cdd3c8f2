using System.Diagnostics;
using System.Text.Json;
using Federation.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Federation.ServiceDefaults.Persistence;

/// <summary>
/// Base of every service's DbContext: the service's own tables plus its outbox and inbox, so that a
/// state change and the events it causes always commit together.
/// </summary>
public abstract class ServiceDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<InboxMessage> InboxMessages => Set<InboxMessage>();

    /// <summary>Queues an event for publication when this context's changes commit.</summary>
    public void Publish(FederationEvent evt)
    {
        if (evt.EventId == Guid.Empty || string.IsNullOrEmpty(evt.AggregateId))
            throw new InvalidOperationException($"{evt.GetType().Name} has no envelope: stamp it with EventStamp.Stamp before publishing.");
        // Due now by the relay's clock, not at OccurredAt: an event dated by another clock (a skewed host, a
        // role's own review clock) must not wait in the outbox until the relay's clock catches up with it.
        Add(OutboxRows.For(evt, evt.EventId, destination: null, DateTime.UtcNow, evt.AggregateId, evt.CorrelationId, headers: null));
    }

    /// <summary>
    /// Queues a message for sending to one endpoint at (or after) <paramref name="dueAt"/>: a durable
    /// timer that survives restarts and fires once, because the row and its deletion are transactional.
    /// </summary>
    public void Schedule(object message, Guid messageId, Uri destination, DateTimeOffset dueAt, Guid? correlationId = null,
        IReadOnlyDictionary<string, string>? headers = null) =>
        Add(OutboxRows.For(message, messageId, destination.ToString(), dueAt.UtcDateTime, aggregateId: null, correlationId, headers));

    /// <summary>
    /// Set by the group commit around its COMMIT: it hands the committed rows to the relay itself, so the commit
    /// interceptor must not wake the relay before they are there to take.
    /// </summary>
    internal bool HandsOverCommittedRows { get; set; }

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
}

internal static class OutboxRows
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static OutboxMessage For(object message, Guid messageId, string? destination, DateTime dueAtUtc, string? aggregateId,
        Guid? correlationId, IReadOnlyDictionary<string, string>? headers)
    {
        var type = message.GetType();
        return new OutboxMessage
        {
            Message = message,
            MessageId = messageId,
            MessageType = TypeName(type),
            Body = JsonSerializer.Serialize(message, type, Json),
            Destination = destination,
            AggregateId = aggregateId,
            CorrelationId = correlationId,
            TraceParent = Activity.Current?.Id,
            Headers = headers is { Count: > 0 } ? JsonSerializer.Serialize(headers, Json) : null,
            CreatedAt = DateTime.UtcNow,
            DueAt = dueAtUtc,
        };
    }

    public static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
