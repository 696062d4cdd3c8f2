using System.Text.Json.Nodes;
using Federation.NodeAgent.Data;
using Federation.NodeAgent.Indexing;
using Federation.NodeAgent.Publishing;
using Federation.ServiceDefaults.Persistence;
using Federation.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Federation.NodeAgent.Tests.Indexing;

/// <summary>
/// A consent withdrawal that commits while the indexer is describing the datasets (it read the request counter
/// before, and describes without the withdrawal) is described at the indexer's next step, not swallowed. On
/// PostgreSQL, where the node's consumers and its indexer write concurrently.
/// </summary>
[Collection(IndexStores.Name)]
public sealed class WithdrawalRaceTests(Infrastructure infrastructure)
{
    private static readonly DatasetSettings Lung = new() { Id = "lung", Collection = "LUNG", Title = "Lung" };
    private static readonly NodeAgentOptions Node = new() { Node = "node-t", Datasets = [Lung], SmallCellThreshold = 1 };
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_withdrawal_committed_while_the_indexer_describes_is_described_at_its_next_step()
    {
        await using var index = await IndexStore.Create(StoreProvider.PostgreSql, infrastructure);
        var store = new FakeStore();
        for (var subject = 0; subject < 6; subject++)
            store.Add(FakeStore.Image(subject, 0, 0, 0));
        var indexer = index.Indexer(store, Node);
        await IndexStore.UntilIdle(indexer);
        Assert.Equal(6, await PublishedSubjects(index));

        // P001 withdraws; the indexer's next step reads the request. While it runs, P002's withdrawal is recorded in a
        // transaction that commits only once the indexer, having described without it, waits to write its cursor.
        await using (var first = index.CreateDbContext())
        {
            await Withdraw(first, "P001");
            await first.SaveChangesAsync();
        }
        await using var second = index.CreateDbContext();
        await using var secondTransaction = await second.Database.BeginTransactionAsync();
        store.BeforeNextChanges = async () =>
        {
            await Withdraw(second, "P002");
            await second.SaveChangesAsync();
        };
        var step = indexer.Step(CancellationToken.None);
        await Eventually.Until(() => SessionsWaitingForALock(index), waiting => waiting > 0 || step.IsCompleted, Deadline,
            "the indexer waiting for the second withdrawal's lock on its cursor");
        Assert.False(step.IsCompleted, "the indexer finished its step without meeting the second withdrawal's request");
        await secondTransaction.CommitAsync();
        await step;
        Assert.Equal(5, await PublishedSubjects(index)); // described before P002's withdrawal committed

        await IndexStore.UntilIdle(indexer);
        Assert.Equal(4, await PublishedSubjects(index));
        var cursor = await index.Cursor();
        Assert.Equal(cursor.DescriptionsAsked, cursor.DescriptionsPublished);
    }

    /// <summary>What the node's withdrawal consumer does, on the caller's context.</summary>
    private static async Task Withdraw(NodeAgentDbContext db, string subject)
    {
        db.Withdrawn.Add(new WithdrawnSubject { DatasetId = Lung.Id, SubjectId = subject, RecordedAt = DateTime.UtcNow });
        await DescriptionRequests.Ask(db, CancellationToken.None);
    }

    /// <summary>The subject count of the last description the node wrote to its outbox.</summary>
    private static async Task<int> PublishedSubjects(IndexStore index)
    {
        await using var db = index.CreateDbContext();
        var last = await db.OutboxMessages.AsNoTracking().OrderByDescending(m => m.Sequence).FirstAsync(m => m.AggregateId == Lung.Id);
        return JsonNode.Parse(last.Body)!["dataset"]!["subjects"]!.GetValue<int>();
    }

    private static async Task<long> SessionsWaitingForALock(IndexStore index)
    {
        await using var db = index.CreateDbContext();
        return await db.Database.SqlQueryRaw<long>(
            "SELECT count(*) AS \"Value\" FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'").SingleAsync();
    }
}
