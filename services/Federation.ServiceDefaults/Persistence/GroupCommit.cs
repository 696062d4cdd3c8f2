using System.Threading.Channels;

namespace Federation.ServiceDefaults.Persistence;

/// <summary>
/// The one door through which a service changes its store. Concurrent units of work (HTTP writes and
/// consumed messages' effects) are queued and committed together: whatever queued up while the
/// previous commit ran goes into the next transaction, with one SaveChanges and one COMMIT. A lone
/// unit commits at once (no added latency); under load one commit covers many units, which is what
/// lets a durable service approach broker speed on a machine where each database round trip costs.
/// <para>
/// Each unit still succeeds or fails on its own. If a unit throws, the batch is redone without it;
/// if the batch's SaveChanges fails, the batch is redone saving unit by unit to find the culprit.
/// Units must therefore be repeatable (they are: nothing is committed until the whole batch is), must
/// not call SaveChanges or open transactions themselves, and should look up what an earlier unit of
/// the same batch may have added with <c>Find</c>/<c>FindAsync</c> (which see unsaved entities), not LINQ.
/// </para>
/// </summary>
public sealed class GroupCommit<TDb> where TDb : ServiceDbContext
{
    internal readonly Channel<BatchedWork<TDb>> Queue = Channel.CreateUnbounded<BatchedWork<TDb>>(new UnboundedChannelOptions
    {
        SingleReader = true,
    });

    /// <summary>Runs <paramref name="work"/> in the next batch and returns its result once the batch has committed.</summary>
    public Task<T> Write<T>(Func<TDb, CancellationToken, Task<T>> work) => Enqueue(new WriteWork<TDb, T>(work));

    /// <summary>
    /// Applies <paramref name="effect"/> once for (<paramref name="consumer"/>, <paramref name="messageId"/>): the effect
    /// and its inbox row commit together. Returns false for a message already applied (a duplicate: acknowledge, do nothing).
    /// </summary>
    public Task<bool> ApplyOnce(string consumer, Guid messageId, Func<TDb, CancellationToken, Task> effect) =>
        Enqueue(new InboxWork<TDb>(consumer, messageId, effect));

    private Task<T> Enqueue<T>(BatchedWork<TDb, T> work)
    {
        if (!Queue.Writer.TryWrite(work))
            throw new InvalidOperationException("The service is stopping: its store accepts no more writes.");
        return work.Completion.Task;
    }
}

internal abstract class BatchedWork<TDb>
{
    /// <summary>
    /// The caller's span (HTTP request, consumed message): the unit runs under it, so an event it
    /// publishes carries the caller's trace through the outbox, not the commit loop's.
    /// </summary>
    public System.Diagnostics.Activity? Caller { get; } = System.Diagnostics.Activity.Current;

    /// <summary>When the unit was queued (<see cref="System.Diagnostics.Stopwatch"/> ticks), to measure its wait for a batch.</summary>
    public long QueuedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>Set for consumed messages: the key of their inbox row.</summary>
    public virtual (string Consumer, Guid MessageId)? InboxKey => null;

    public abstract Task Apply(TDb db, CancellationToken cancellationToken);

    public abstract void Succeed(bool duplicate);

    public abstract void Fail(Exception error);

    public abstract void Cancel();
}

internal abstract class BatchedWork<TDb, T> : BatchedWork<TDb>
{
    public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override void Fail(Exception error) => Completion.TrySetException(error);

    public override void Cancel() => Completion.TrySetCanceled();
}

internal sealed class WriteWork<TDb, T>(Func<TDb, CancellationToken, Task<T>> work) : BatchedWork<TDb, T>
{
    private T? result;

    public override async Task Apply(TDb db, CancellationToken cancellationToken) => result = await work(db, cancellationToken);

    public override void Succeed(bool duplicate) => Completion.TrySetResult(result!);
}

internal sealed class InboxWork<TDb>(string consumer, Guid messageId, Func<TDb, CancellationToken, Task> effect) : BatchedWork<TDb, bool>
{
    public override (string Consumer, Guid MessageId)? InboxKey => (consumer, messageId);

    public override Task Apply(TDb db, CancellationToken cancellationToken) => effect(db, cancellationToken);

    public override void Succeed(bool duplicate) => Completion.TrySetResult(!duplicate);
}
