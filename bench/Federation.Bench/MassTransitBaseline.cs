using System.Diagnostics;
using MassTransit;

namespace Federation.Bench;

/// <summary>A bench-only message: the send time and a payload of the configured size.</summary>
public sealed record BenchPing(long SentTicks, string Payload);

/// <summary>MT: MassTransit alone on the same broker (publish → consume, no database), the ceiling for anything built on it.</summary>
public static class MassTransitBaseline
{
    private sealed class PingConsumer(Action<long> record) : IConsumer<BenchPing>
    {
        public Task Consume(ConsumeContext<BenchPing> context)
        {
            record(context.Message.SentTicks);
            return Task.CompletedTask;
        }
    }

    public static async Task<Measurement> Run(string amqpUrl, BenchOptions options)
    {
        var recorder = new LatencyRecorder(options.Messages);

        var uri = new Uri(amqpUrl);
        var vhost = uri.AbsolutePath.Trim('/');
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(uri.Host, (ushort)uri.Port, string.IsNullOrEmpty(vhost) ? "/" : Uri.UnescapeDataString(vhost), h =>
            {
                h.Username("guest");
                h.Password("guest");
                h.PublisherConfirmation = true;
            });
            cfg.ReceiveEndpoint($"bench-mt-{Guid.NewGuid():N}", e =>
            {
                e.PrefetchCount = options.Prefetch;
                e.AutoDelete = true;
                e.Consumer(() => new PingConsumer(recorder.Record));
            });
        });
        await bus.StartAsync();
        try
        {
            var payload = new string('x', Math.Max(0, options.PayloadBytes - 64));
            using var window = new SemaphoreSlim(options.Concurrency);
            var clock = Stopwatch.StartNew();
            var inFlight = new List<Task>(options.Messages);
            for (var i = 0; i < options.Messages; i++)
            {
                await window.WaitAsync();
                inFlight.Add(PublishOne(bus, new BenchPing(Stopwatch.GetTimestamp(), payload), window));
            }
            await Task.WhenAll(inFlight);
            await recorder.AllReceived.WaitAsync(TimeSpan.FromMinutes(10));
            return new Measurement("MT", $"MassTransit 8.5.12 publish → consume, prefetch {options.Prefetch}, no database",
                options.Messages, clock.Elapsed.TotalSeconds, recorder.Latencies);
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    private static async Task PublishOne(IBus bus, BenchPing ping, SemaphoreSlim window)
    {
        try
        {
            await bus.Publish(ping);
        }
        finally
        {
            window.Release();
        }
    }
}
