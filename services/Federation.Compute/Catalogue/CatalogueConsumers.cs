using Federation.Compute.Data;
using Federation.Contracts.Consent;
using Federation.Contracts.Discovery;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using MassTransit;

namespace Federation.Compute.Catalogue;

/// <summary>Keeps where each dataset is and how big it is from what its node publishes (one queue: a dataset's events in order).</summary>
public static class DatasetFacts
{
    public static async Task<KnownDataset> Row(ComputeDbContext db, string datasetId, CancellationToken cancellationToken)
    {
        var row = await db.Datasets.FindAsync([datasetId], cancellationToken);
        if (row is null)
            db.Datasets.Add(row = new KnownDataset { DatasetId = datasetId });
        return row;
    }

    public static async Task Describe(ComputeDbContext db, DatasetDescription description, long version, CancellationToken cancellationToken)
    {
        var row = await Row(db, description.DatasetId, cancellationToken);
        if (version <= row.DescriptionVersion)
            return; // stale or repeated
        row.Node = description.Node;
        row.SizeBytes = description.SizeBytes;
        row.AccessModel = description.AccessModel;
        row.Retired = false;
        row.DescriptionVersion = version;
    }
}

public sealed class DatasetPublishedFactsConsumer(GroupCommit<ComputeDbContext> store) : InboxConsumer<ComputeDbContext, DatasetPublished>(store)
{
    protected override Task Apply(ComputeDbContext db, ConsumeContext<DatasetPublished> context, CancellationToken cancellationToken) =>
        DatasetFacts.Describe(db, context.Message.Dataset, context.Message.AggregateVersion, cancellationToken);
}

public sealed class DatasetUpdatedFactsConsumer(GroupCommit<ComputeDbContext> store) : InboxConsumer<ComputeDbContext, DatasetUpdated>(store)
{
    protected override Task Apply(ComputeDbContext db, ConsumeContext<DatasetUpdated> context, CancellationToken cancellationToken) =>
        DatasetFacts.Describe(db, context.Message.Dataset, context.Message.AggregateVersion, cancellationToken);
}

public sealed class DatasetRetiredFactsConsumer(GroupCommit<ComputeDbContext> store) : InboxConsumer<ComputeDbContext, DatasetRetired>(store)
{
    protected override async Task Apply(ComputeDbContext db, ConsumeContext<DatasetRetired> context, CancellationToken cancellationToken)
    {
        var row = await DatasetFacts.Row(db, context.Message.DatasetId, cancellationToken);
        if (context.Message.AggregateVersion <= row.DescriptionVersion)
            return;
        row.Retired = true;
        row.DescriptionVersion = context.Message.AggregateVersion;
    }
}

/// <summary>Where a dataset's data may go, from its data-use conditions (the latest version wins).</summary>
public sealed class DataUseConditionsFactsConsumer(GroupCommit<ComputeDbContext> store) : InboxConsumer<ComputeDbContext, DataUseConditionsChanged>(store)
{
    protected override async Task Apply(ComputeDbContext db, ConsumeContext<DataUseConditionsChanged> context, CancellationToken cancellationToken)
    {
        var changed = context.Message;
        var row = await DatasetFacts.Row(db, changed.DatasetId, cancellationToken);
        if (changed.Version <= row.ConditionsVersion)
            return;
        row.StaysAtNode = changed.StaysAtNode;
        row.Countries = changed.Countries?.ToList() ?? [];
        row.ConditionsVersion = changed.Version;
    }
}
