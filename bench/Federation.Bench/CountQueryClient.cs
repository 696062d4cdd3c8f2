using System.Collections.Concurrent;
using System.Diagnostics;
using Federation.Contracts.Compute;
using Federation.Contracts.Discovery;
using MassTransit;

namespace Federation.Bench;

/// <summary>
/// Asks node agents for counts over the bus as the discovery role does: a <see cref="CountQuery"/> published to
/// every node, answers collected on this client's own queue (nodes answer to the query's response address or
/// publish their answers; the queue takes both). Latency is from the publish to the answer's arrival.
/// It also stands in for the central roles that hear what nodes publish (discovery: dataset events; compute:
/// heartbeats): without a queue bound to them the broker returns those events, and the node's outbox would retry and
/// log them all run long, which a deployed node never does. Connect it before the node starts.
/// </summary>
public sealed class CountQueryClient : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<CountAnswer>> waiting = new();
    private IBusControl bus = null!;
    private Uri answers = null!;

    public static async Task<CountQueryClient> Connect(string amqpUrl)
    {
        var client = new CountQueryClient();
        var uri = new Uri(amqpUrl);
        var vhost = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        client.bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(uri.Host, (ushort)uri.Port, string.IsNullOrEmpty(vhost) ? "/" : vhost, h =>
            {
                h.Username("guest");
                h.Password("guest");
                h.PublisherConfirmation = true;
            });
            cfg.ReceiveEndpoint($"bench-count-answers-{Guid.NewGuid():N}", e =>
            {
                e.AutoDelete = true;
                e.Durable = false;
                client.answers = e.InputAddress;
                e.Handler<CountAnswer>(context =>
                {
                    if (client.waiting.TryRemove(context.Message.QueryId, out var answer))
                        answer.TrySetResult(context.Message);
                    return Task.CompletedTask;
                });
            });
            cfg.ReceiveEndpoint($"bench-central-{Guid.NewGuid():N}", e =>
            {
                e.AutoDelete = true;
                e.Durable = false;
                e.Handler<DatasetPublished>(_ => Task.CompletedTask);
                e.Handler<DatasetUpdated>(_ => Task.CompletedTask);
                e.Handler<DatasetRetired>(_ => Task.CompletedTask);
                e.Handler<NodeHeartbeat>(_ => Task.CompletedTask);
            });
        });
        await client.bus.StartAsync();
        return client;
    }

    /// <summary>One query answered by one node: its answer and the milliseconds it took.</summary>
    public async Task<(CountAnswer Answer, double Milliseconds)> Ask(SubjectFilter filter, TimeSpan timeout)
    {
        var id = Guid.NewGuid();
        var answer = new TaskCompletionSource<CountAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
        waiting[id] = answer;
        var start = Stopwatch.GetTimestamp();
        try
        {
            await bus.Publish(new CountQuery { QueryId = id, Filter = filter, Deadline = DateTimeOffset.UtcNow + timeout }, context =>
            {
                context.RequestId = id;
                context.ResponseAddress = answers;
            });
            var result = await answer.Task.WaitAsync(timeout);
            return (result, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        finally
        {
            waiting.TryRemove(id, out _);
        }
    }

    public async ValueTask DisposeAsync() => await bus.StopAsync();
}
