using System.Collections.Concurrent;
using Federation.Contracts.Discovery;
using MassTransit;

namespace Federation.Discovery.Search;

/// <summary>
/// The federated queries this discovery instance is waiting on, and the answers arriving for them. Nodes
/// answer to the bus's own address (the per-process, temporary endpoint MassTransit keeps for responses),
/// where a handler hands each answer to its query. A query completes when every asked node has answered or
/// at its deadline, whichever comes first; answers after that are dropped.
/// </summary>
public sealed class PendingQueries
{
    private readonly ConcurrentDictionary<Guid, Pending> pending = new();
    private int connected;

    /// <summary>Where nodes send their answers: this process's bus endpoint, listened to from the first query on.</summary>
    public Uri AnswerAddress(IBus bus)
    {
        if (Interlocked.Exchange(ref connected, 1) == 0)
            bus.ConnectHandler<CountAnswer>(context =>
            {
                Deliver(context.Message);
                return Task.CompletedTask;
            });
        return bus.Address;
    }

    private sealed class Pending(IReadOnlySet<string> nodes)
    {
        public readonly ConcurrentDictionary<string, CountAnswer> Answers = new();
        public readonly TaskCompletionSource Complete = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Add(CountAnswer answer)
        {
            Answers[answer.Node] = answer;
            if (nodes.All(Answers.ContainsKey))
                Complete.TrySetResult();
        }
    }

    /// <summary>Starts waiting for <paramref name="nodes"/>' answers to <paramref name="queryId"/> (before the query is sent, so none is missed).</summary>
    public IDisposable Expect(Guid queryId, IReadOnlySet<string> nodes)
    {
        var entry = new Pending(nodes);
        pending[queryId] = entry;
        if (nodes.Count == 0)
            entry.Complete.TrySetResult();
        return new Forget(() => pending.TryRemove(queryId, out _));
    }

    public async Task<IReadOnlyCollection<CountAnswer>> Answers(Guid queryId, TimeSpan wait, TimeProvider clock, CancellationToken cancellationToken)
    {
        var entry = pending[queryId];
        try
        {
            await entry.Complete.Task.WaitAsync(wait, clock, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The deadline passed: answer with what came, naming the nodes that did not.
        }
        return entry.Answers.Values.ToList();
    }

    public void Deliver(CountAnswer answer)
    {
        if (pending.TryGetValue(answer.QueryId, out var entry))
            entry.Add(answer);
    }

    private sealed class Forget(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
