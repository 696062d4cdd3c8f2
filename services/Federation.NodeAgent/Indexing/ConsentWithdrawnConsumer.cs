using Federation.Contracts.Consent;
using Federation.NodeAgent.Data;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Federation.NodeAgent.Indexing;

/// <summary>
/// Records a withdrawal for one of this node's datasets and asks for the descriptions again, in one
/// transaction with the inbox row; the indexer republishes the counts without the subject.
/// Withdrawals for other nodes' datasets are not this node's business and change nothing.
/// </summary>
public sealed class ConsentWithdrawnConsumer(GroupCommit<NodeAgentDbContext> store, IOptions<NodeAgentOptions> options)
    : InboxConsumer<NodeAgentDbContext, ConsentWithdrawn>(store)
{
    protected override async Task Apply(NodeAgentDbContext db, ConsumeContext<ConsentWithdrawn> context, CancellationToken cancellationToken)
    {
        var withdrawn = context.Message;
        if (withdrawn.Node != options.Value.NodeName || options.Value.Datasets.All(d => d.Id != withdrawn.DatasetId))
            return;
        if (await db.Withdrawn.FindAsync([withdrawn.DatasetId, withdrawn.SubjectId], cancellationToken) is null)
            db.Withdrawn.Add(new WithdrawnSubject { DatasetId = withdrawn.DatasetId, SubjectId = withdrawn.SubjectId, RecordedAt = withdrawn.RecordedAt.UtcDateTime });
        await DescriptionRequests.Ask(db, cancellationToken);
    }
}
