using Federation.Contracts;

namespace Federation.ServiceDefaults.Persistence;

/// <summary>
/// Publishes events that belong to no module's unit of work (the process's security events) through the outbox of
/// the first service database this process runs: durable once written, relayed like every other event.
/// </summary>
public interface IEventOutbox
{
    Task Publish(IReadOnlyList<FederationEvent> events);
}

internal sealed class EventOutbox<TDb>(GroupCommit<TDb> store) : IEventOutbox where TDb : ServiceDbContext
{
    public Task Publish(IReadOnlyList<FederationEvent> events) => store.Write((db, _) =>
    {
        foreach (var evt in events)
            db.Publish(evt);
        return Task.FromResult(events.Count);
    });
}
