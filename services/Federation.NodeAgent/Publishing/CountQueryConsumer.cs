using Federation.Contracts.Discovery;
using Federation.NodeAgent.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Federation.NodeAgent.Publishing;

/// <summary>
/// Answers a federated count query from this node's own index, published (every discovery instance hears it and
/// the asking one keeps it: a node's broker user may write only to what nodes publish, not to a central queue). Nothing changes state, so no outbox: a lost answer makes the node "not answering".
/// A query already past its deadline is not worth the database's time.
/// </summary>
public sealed class CountQueryConsumer(IDbContextFactory<NodeAgentDbContext> factory, IOptions<NodeAgentOptions> options, TimeProvider clock)
    : IConsumer<CountQuery>
{
    public async Task Consume(ConsumeContext<CountQuery> context)
    {
        var query = context.Message;
        if (query.Deadline <= clock.GetUtcNow())
            return;
        var node = options.Value;
        await using var db = await factory.CreateDbContextAsync(context.CancellationToken);
        var counts = new List<DatasetCount>();
        foreach (var dataset in node.Datasets)
            if (await SubjectCounts.Count(db, dataset, query.Filter, node.SmallCellThreshold, context.CancellationToken) is { } count)
                counts.Add(count);
        await context.Publish(new CountAnswer { QueryId = query.QueryId, Node = node.NodeName, Datasets = counts });
    }
}
