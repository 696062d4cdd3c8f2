using Federation.Consent.Data;
using Federation.Consent.Domain;
using Federation.Contracts.Discovery;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using MassTransit;

namespace Federation.Consent.Consumers;

/// <summary>
/// Learns which node holds each dataset (and for which data holder) from the node agents' publications,
/// so that only that node's operators record its withdrawals and the withdrawal reaches that node.
/// </summary>
public static class DatasetLocations
{
    public static async Task Learn(ConsentDbContext db, DatasetDescription dataset, CancellationToken cancellationToken)
    {
        var location = await db.Locations.FindAsync([dataset.DatasetId], cancellationToken);
        if (location is null)
            db.Locations.Add(new DatasetLocation { DatasetId = dataset.DatasetId, Node = dataset.Node, DataHolder = dataset.DataHolder });
        else if (location.Node == dataset.Node)
            location.DataHolder = dataset.DataHolder; // a dataset stays with the node that first published it (as in the catalogue)
    }
}

public sealed class DatasetPublishedLocationConsumer(GroupCommit<ConsentDbContext> store) : InboxConsumer<ConsentDbContext, DatasetPublished>(store)
{
    protected override Task Apply(ConsentDbContext db, ConsumeContext<DatasetPublished> context, CancellationToken cancellationToken) =>
        DatasetLocations.Learn(db, context.Message.Dataset, cancellationToken);
}

public sealed class DatasetUpdatedLocationConsumer(GroupCommit<ConsentDbContext> store) : InboxConsumer<ConsentDbContext, DatasetUpdated>(store)
{
    protected override Task Apply(ConsentDbContext db, ConsumeContext<DatasetUpdated> context, CancellationToken cancellationToken) =>
        DatasetLocations.Learn(db, context.Message.Dataset, cancellationToken);
}
