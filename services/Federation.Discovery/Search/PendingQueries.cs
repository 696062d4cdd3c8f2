using System.Collections.Concurrent;
using Federation.Contracts.Discovery;
using Federation.ServiceDefaults.Messaging;
using MassTransit;

namespace Federation.Discovery.Search;

/// <summary>
/// The federated queries this discovery instance is waiting on, and the answers arriving for them. Nodes
/// publish their answers; each discovery instance hears all of them on its own temporary queue and keeps the
/// ones for its queries. A query completes when every asked node has answered or
/// at its deadline, whichever comes first; answers after that are dropped.
/// </summary>
public sealed class PendingQueries
{
    private readonly ConcurrentDictionary<Guid, Pending> pending = new();
    private readonly SemaphoreSlim connecting = new(1, 1);
    private volatile bool listening;

    /// <summary>
    /// Listens for answers from the first query on: a temporary queue of this instance, bound to the answers'
    /// exchange. Nodes publish their answers instead of sending them to this instance's address, because a node's
    /// broker user may write only to the exchanges of what nodes publish, never to a central service's queue.
    /// </summary>
    public async Task Listen(IReceiveEndpointConnector connector, CancellationToken cancellationToken)
    {
        if (listening)
            return;
        await connecting.WaitAsync(cancellationToken);
        try
        {
            if (listening)
                return;
            var handle = connector.ConnectReceiveEndpoint(new TemporaryEndpointDefinition("count-answers"), KebabCaseEndpointNameFormatter.Instance,
                (_, endpoint) => endpoint.Handler<CountAnswer>(context =>
                {
                    // A node's broker user answers only for its own node: a forged answer for another node is dropped.
                    if (BrokerUser.Of(context).MaySpeakFor(context.Message.Node))
                        Deliver(context.Message);
                    return Task.CompletedTask;
                }));
            await handle.Ready.WaitAsync(cancellationToken);
            listening = true;
        }
        finally
        {
            connecting.Release();
        }
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
