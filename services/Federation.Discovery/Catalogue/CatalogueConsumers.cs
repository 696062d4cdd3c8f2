using Federation.Contracts.Discovery;
using Federation.Discovery.Data;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Federation.Discovery.Catalogue;

/// <summary>
/// Keeps the catalogue equal to what the nodes last said. Versions come from the publishing node, so an
/// older description arriving late (redelivery, reordering) never overwrites a newer one; and a dataset
/// belongs to the node that first published it (another node claiming its id is ignored and logged).
/// </summary>
public static class CatalogueUpdates
{
    public static async Task Describe(DiscoveryDbContext db, DatasetDescription dataset, long version, DateTimeOffset at, ILogger log, CancellationToken cancellationToken)
    {
        var entry = await db.Catalogue.FindAsync([dataset.DatasetId], cancellationToken);
        if (entry is null)
        {
            entry = new CatalogueEntry();
            entry.Apply(dataset, version, at);
            db.Catalogue.Add(entry);
            return;
        }
        if (entry.Node != dataset.Node)
        {
            log.LogWarning("Node {Node} described dataset {Dataset}, which belongs to node {Owner}; ignored", dataset.Node, dataset.DatasetId, entry.Node);
            return;
        }
        if (version > entry.Version)
            entry.Apply(dataset, version, at);
    }
}

public sealed class DatasetPublishedConsumer(GroupCommit<DiscoveryDbContext> store, ILogger<DatasetPublishedConsumer> log)
    : InboxConsumer<DiscoveryDbContext, DatasetPublished>(store)
{
    protected override Task Apply(DiscoveryDbContext db, ConsumeContext<DatasetPublished> context, CancellationToken cancellationToken) =>
        CatalogueUpdates.Describe(db, context.Message.Dataset, context.Message.AggregateVersion, context.Message.OccurredAt, log, cancellationToken);
}

public sealed class DatasetUpdatedConsumer(GroupCommit<DiscoveryDbContext> store, ILogger<DatasetUpdatedConsumer> log)
    : InboxConsumer<DiscoveryDbContext, DatasetUpdated>(store)
{
    protected override Task Apply(DiscoveryDbContext db, ConsumeContext<DatasetUpdated> context, CancellationToken cancellationToken) =>
        CatalogueUpdates.Describe(db, context.Message.Dataset, context.Message.AggregateVersion, context.Message.OccurredAt, log, cancellationToken);
}

public sealed class DatasetRetiredConsumer(GroupCommit<DiscoveryDbContext> store) : InboxConsumer<DiscoveryDbContext, DatasetRetired>(store)
{
    protected override async Task Apply(DiscoveryDbContext db, ConsumeContext<DatasetRetired> context, CancellationToken cancellationToken)
    {
        var retired = context.Message;
        var entry = await db.Catalogue.FindAsync([retired.DatasetId], cancellationToken);
        if (entry is not null && entry.Node == retired.Node && retired.AggregateVersion > entry.Version)
        {
            entry.Retired = true;
            entry.Version = retired.AggregateVersion;
            entry.UpdatedAt = retired.OccurredAt.UtcDateTime;
        }
    }
}
