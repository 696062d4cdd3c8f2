using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Federation.ServiceDefaults.Persistence;

/// <summary>
/// Signals the relay after a commit that carried outbox rows: after SaveChanges when EF ran its own
/// transaction, after the explicit transaction's commit otherwise (never before: a row the relay
/// cannot see yet would just cost it a wasted query).
/// </summary>
internal sealed class OutboxCommitInterceptor<TDb>(OutboxSignal<TDb> signal) : SaveChangesInterceptor, IDbTransactionInterceptor
    where TDb : ServiceDbContext
{
    private sealed class Pending
    {
        public bool Value;
    }

    private static readonly ConditionalWeakTable<DbContext, Pending> PendingRows = new();

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Remember(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Remember(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        SignalIfCommitted(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        SignalIfCommitted(eventData.Context);
        return result;
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is { } context && PendingRows.TryGetValue(context, out var pending) && pending.Value)
        {
            pending.Value = false;
            if (context is not ServiceDbContext { HandsOverCommittedRows: true })
                signal.Notify();
        }
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is { } context && PendingRows.TryGetValue(context, out var pending))
            pending.Value = false;
    }

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionRolledBack(transaction, eventData);
        return Task.CompletedTask;
    }

    private static void Remember(DbContext? context)
    {
        if (context is null)
            return;
        var hasRows = context.ChangeTracker.Entries<OutboxMessage>().Any(e => e.State == EntityState.Added);
        if (hasRows)
            PendingRows.GetOrCreateValue(context).Value = true;
    }

    private void SignalIfCommitted(DbContext? context)
    {
        if (context is null || context.Database.CurrentTransaction is not null)
            return; // an explicit transaction: wait for its commit
        if (PendingRows.TryGetValue(context, out var pending) && pending.Value)
        {
            pending.Value = false;
            signal.Notify();
        }
    }
}
