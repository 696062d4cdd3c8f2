using System.Buffers.Binary;
using System.Diagnostics;
using System.Threading.Channels;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Federation.Bench;

/// <summary>
/// B0, B1, B1g: what raw RabbitMQ.Client 7 and raw Npgsql achieve on this machine, the yardsticks
/// for everything built on them. Publish with confirms to a durable queue; consume with manual acks.
/// </summary>
public static class RawBrokerBaselines
{
    public enum Consumer
    {
        /// <summary>B0: ack at once.</summary>
        AckOnly,

        /// <summary>B1: one insert and commit per message, then ack: a naive durable consumer.</summary>
        CommitEach,

        /// <summary>B1g: commit every 50 messages or 5 ms, then ack them all.</summary>
        GroupCommit,
    }

    /// <param name="ratePerSecond">Open loop at this rate (latency at a given load); null for as fast as confirms allow.</param>
    public static async Task<Measurement> Run(string name, Consumer mode, string amqpUrl, string? postgres, BenchOptions options, double? ratePerSecond = null)
    {
        var queue = $"bench-{name}-{Guid.NewGuid():N}";
        var factory = new ConnectionFactory { Uri = new Uri(amqpUrl) };
        await using var publisherConnection = await factory.CreateConnectionAsync($"{name}-publisher");
        await using var consumerConnection = await factory.CreateConnectionAsync($"{name}-consumer");
        await using var publisher = await publisherConnection.CreateChannelAsync(new CreateChannelOptions(true, true));
        await using var consumerChannel = await consumerConnection.CreateChannelAsync();
        await publisher.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await using var data = postgres is null ? null : await PrepareTable(postgres, name);

        var recorder = new LatencyRecorder(options.Messages);

        await consumerChannel.BasicQosAsync(0, (ushort)options.Prefetch, false);
        var consumer = new AsyncEventingBasicConsumer(consumerChannel);
        var groupCommitter = mode == Consumer.GroupCommit ? StartGroupCommitter(consumerChannel, data!, name, recorder.Record) : null;
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            var sentTicks = BinaryPrimitives.ReadInt64LittleEndian(delivery.Body.Span);
            switch (mode)
            {
                case Consumer.AckOnly:
                    await consumerChannel.BasicAckAsync(delivery.DeliveryTag, false);
                    recorder.Record(sentTicks);
                    break;
                case Consumer.CommitEach:
                    await using (var connection = await data!.OpenConnectionAsync())
                    await using (var tx = await connection.BeginTransactionAsync())
                    {
                        await using var insert = new NpgsqlCommand($"INSERT INTO {name}_effects (message_id, payload) VALUES (@id, @payload)", connection, tx);
                        insert.Parameters.AddWithValue("id", Guid.NewGuid());
                        insert.Parameters.AddWithValue("payload", delivery.Body.ToArray());
                        await insert.ExecuteNonQueryAsync();
                        await tx.CommitAsync();
                    }
                    await consumerChannel.BasicAckAsync(delivery.DeliveryTag, false);
                    recorder.Record(sentTicks);
                    break;
                case Consumer.GroupCommit:
                    await groupCommitter!.Writer.WriteAsync((delivery.DeliveryTag, sentTicks, delivery.Body.ToArray()));
                    break;
            }
        };
        await consumerChannel.BasicConsumeAsync(queue, autoAck: false, consumer);

        var clock = Stopwatch.StartNew();
        await PublishAll(publisher, "", queue, options, ratePerSecond);
        await recorder.AllReceived.WaitAsync(TimeSpan.FromMinutes(10));
        var seconds = clock.Elapsed.TotalSeconds;
        groupCommitter?.Writer.TryComplete();
        await publisher.QueueDeleteAsync(queue);
        var description = ratePerSecond is null ? Describe(mode, options) : $"the same at a fixed offered load of {ratePerSecond:N0} messages/s (half its maximum)";
        return new Measurement(ratePerSecond is null ? name.ToUpperInvariant() : name.ToUpperInvariant() + "½", description, options.Messages, seconds, recorder.Latencies);
    }

    /// <summary>Publishes with confirms, <c>Concurrency</c> in flight; the first 8 bytes carry the send time.</summary>
    public static async Task PublishAll(IChannel channel, string exchange, string routingKey, BenchOptions options, double? ratePerSecond = null)
    {
        var properties = new BasicProperties { Persistent = true };
        using var window = new SemaphoreSlim(options.Concurrency);
        var inFlight = new List<Task>(options.Messages);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < options.Messages; i++)
        {
            if (ratePerSecond is { } rate)
            {
                var wait = TimeSpan.FromSeconds(i / rate) - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1))
                    await Task.Delay(wait);
            }
            await window.WaitAsync();
            var body = new byte[Math.Max(8, options.PayloadBytes)];
            BinaryPrimitives.WriteInt64LittleEndian(body, Stopwatch.GetTimestamp());
            inFlight.Add(Publish(channel, exchange, routingKey, properties, body, window));
        }
        await Task.WhenAll(inFlight);
    }

    private static async Task Publish(IChannel channel, string exchange, string routingKey, BasicProperties properties, byte[] body, SemaphoreSlim window)
    {
        try
        {
            await channel.BasicPublishAsync(exchange, routingKey, mandatory: false, properties, body);
        }
        finally
        {
            window.Release();
        }
    }

    private static Channel<(ulong Tag, long SentTicks, byte[] Body)> StartGroupCommitter(IChannel channel, NpgsqlDataSource data, string name, Action<long> record)
    {
        var queue = Channel.CreateUnbounded<(ulong Tag, long SentTicks, byte[] Body)>(new UnboundedChannelOptions { SingleReader = true });
        _ = Task.Run(async () =>
        {
            var batch = new List<(ulong Tag, long SentTicks, byte[] Body)>(50);
            while (await queue.Reader.WaitToReadAsync())
            {
                batch.Clear();
                var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 200; // 5 ms
                while (batch.Count < 50)
                {
                    if (queue.Reader.TryRead(out var item))
                    {
                        batch.Add(item);
                        continue;
                    }
                    var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                    if (left <= TimeSpan.Zero)
                        break;
                    using var wait = new CancellationTokenSource(left);
                    try
                    {
                        if (!await queue.Reader.WaitToReadAsync(wait.Token))
                            break;
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
                if (batch.Count == 0)
                    continue;
                await using (var connection = await data.OpenConnectionAsync())
                await using (var tx = await connection.BeginTransactionAsync())
                {
                    await using var insert = new NpgsqlBatch(connection, tx);
                    foreach (var (_, _, body) in batch)
                    {
                        var command = new NpgsqlBatchCommand($"INSERT INTO {name}_effects (message_id, payload) VALUES ($1, $2)");
                        command.Parameters.Add(new NpgsqlParameter { Value = Guid.NewGuid() });
                        command.Parameters.Add(new NpgsqlParameter { Value = body });
                        insert.BatchCommands.Add(command);
                    }
                    await insert.ExecuteNonQueryAsync();
                    await tx.CommitAsync();
                }
                await channel.BasicAckAsync(batch.Max(b => b.Tag), multiple: true);
                foreach (var (_, sent, _) in batch)
                    record(sent);
            }
        });
        return queue;
    }

    private static async Task<NpgsqlDataSource> PrepareTable(string connectionString, string name)
    {
        var data = NpgsqlDataSource.Create(connectionString);
        await using var command = data.CreateCommand(
            $"DROP TABLE IF EXISTS {name}_effects; CREATE TABLE {name}_effects (id bigserial PRIMARY KEY, message_id uuid NOT NULL, payload bytea NOT NULL)");
        await command.ExecuteNonQueryAsync();
        return data;
    }

    private static string Describe(Consumer mode, BenchOptions o) => mode switch
    {
        Consumer.AckOnly => $"raw RabbitMQ.Client: publish+confirm, durable queue, manual ack, prefetch {o.Prefetch}",
        Consumer.CommitEach => "B0 + one Npgsql insert+commit per message before its ack",
        _ => "B0 + group commit (50 messages or 5 ms), ack after commit",
    };
}
