using Federation.ServiceDefaults.Persistence;
using MassTransit;

namespace Federation.ServiceDefaults.Messaging;

/// <summary>
/// Base of every consumer with an effect on its service's store: the effect runs once per message id,
/// in one transaction with the inbox row (group-committed with other units by <see cref="GroupCommit{TDb}"/>).
/// </summary>
public abstract class InboxConsumer<TDb, TMessage>(GroupCommit<TDb> store) : IConsumer<TMessage>
    where TDb : ServiceDbContext
    where TMessage : class
{
    public Task Consume(ConsumeContext<TMessage> context) =>
        store.ApplyOnce(
            InboxKey,
            context.MessageId ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a message id; it cannot be deduplicated."),
            (db, cancellationToken) => Apply(db, context, cancellationToken));

    /// <summary>The key this consumer's inbox rows are stored under; stable across releases.</summary>
    protected virtual string InboxKey => EndpointNames.Describe(GetType());

    /// <summary>The consumer's effect: add or change entities on <paramref name="db"/>; do not save.</summary>
    protected abstract Task Apply(TDb db, ConsumeContext<TMessage> context, CancellationToken cancellationToken);
}
