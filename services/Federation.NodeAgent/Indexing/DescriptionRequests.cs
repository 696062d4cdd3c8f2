using Federation.NodeAgent.Data;

namespace Federation.NodeAgent.Indexing;

/// <summary>
/// Asks the indexer to describe the datasets again at its next step, for changes it cannot see in the store's log
/// (a consent withdrawal, images removed by a reconciliation pass). Call inside the transaction of the change.
/// </summary>
public static class DescriptionRequests
{
    public static async Task Ask(NodeAgentDbContext db, CancellationToken cancellationToken)
    {
        // One statement under the row's lock: two askers committing at once both count, whatever either read before.
        if (await IndexSql.Execute(db, "UPDATE index_cursor SET descriptions_asked = descriptions_asked + 1 WHERE id = 1", [], cancellationToken) > 0)
            return;
        // No cursor in the database yet: the indexer has not started, or an earlier unit of this batch created it unsaved.
        var cursor = await db.Cursors.FindAsync([1], cancellationToken);
        if (cursor is null)
            db.Cursors.Add(cursor = new IndexCursor());
        cursor.DescriptionsAsked++;
    }
}
