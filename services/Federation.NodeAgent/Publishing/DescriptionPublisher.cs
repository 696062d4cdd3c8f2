using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Federation.Contracts;
using Federation.Contracts.Discovery;
using Federation.NodeAgent.Data;
using Federation.NodeAgent.Indexing;
using Federation.ServiceDefaults.Events;
using Microsoft.Extensions.Logging;

namespace Federation.NodeAgent.Publishing;

/// <summary>
/// Publishes, for each configured dataset, a new description when it differs from the last one published
/// (a fingerprint of the description), through the caller's context: the events commit with the index
/// change that caused them.
/// </summary>
internal static class DescriptionPublisher
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task PublishChanged(NodeAgentDbContext db, NodeAgentOptions node, TimeProvider clock, ILogger log, CancellationToken cancellationToken)
    {
        var stamp = new EventStamp(new Actor($"node:{node.NodeName}", "node", "node-agent"), Guid.NewGuid(), clock);
        foreach (var dataset in node.Datasets)
        {
            var description = await DatasetDescriber.Describe(db, dataset, node, cancellationToken);
            var published = await db.Published.FindAsync([dataset.Id], cancellationToken);
            if (description is null)
            {
                if (published is { Retired: false })
                {
                    published.Retired = true;
                    published.Fingerprint = "";
                    published.Version++;
                    db.Publish(stamp.Stamp(new DatasetRetired { DatasetId = dataset.Id, Node = node.NodeName, Reason = "no images left" },
                        dataset.Id, published.Version));
                }
                continue;
            }
            var fingerprint = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(description, Json))));
            if (published?.Fingerprint == fingerprint)
                continue;
            var first = published is null || published.Retired;
            if (published is null)
                db.Published.Add(published = new PublishedDataset { DatasetId = dataset.Id });
            published.Version++;
            published.Fingerprint = fingerprint;
            published.Retired = false;
            db.Publish(first
                ? stamp.Stamp(new DatasetPublished { Dataset = description }, dataset.Id, published.Version)
                : stamp.Stamp(new DatasetUpdated { Dataset = description }, dataset.Id, published.Version));
            log.LogInformation("Dataset {Dataset} v{Version}: {Subjects} subjects, {Instances} instances", dataset.Id, published.Version,
                description.Subjects, description.Instances);
        }
    }
}
