using System.Diagnostics;
using Federation.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Federation.FaultTests;

/// <summary>
/// Kills RabbitMQ with SIGKILL while requests are being accepted, restarts it, and counts: every
/// accepted request must be audited exactly once.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class BrokerKillTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_request_accepted_while_the_broker_dies_is_audited_exactly_once()
    {
        await using var broker = await RabbitMqServer.Start();
        await using var postgres = await PostgresServer.Start();
        var auditDb = postgres.ForDatabase("audit");
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__rabbitmq"] = broker.Url,
            ["ConnectionStrings__access"] = postgres.ForDatabase("access"),
            ["ConnectionStrings__audit"] = auditDb,
        };
        await using var audit = await HostProcess.Start("audit", settings);
        await using var access = await HostProcess.Start("access", settings);
        var stream = new LoadStream(access.Client);

        stream.Start();
        // Quorum queues need a moment after declaration before a broker crash is survivable (seen: a
        // queue killed within 0.5 s of its declaration came back without a leader); the stream's
        // warm-up gives it that.
        await stream.AcceptedAtLeast(300, TimeSpan.FromSeconds(60));
        await broker.Kill();
        var fault = Stopwatch.StartNew();
        await stream.AcceptedAtLeast(100, TimeSpan.FromSeconds(60)); // the API keeps accepting: the outbox holds the events
        await broker.Restart();
        await stream.AcceptedAtLeast(300, TimeSpan.FromSeconds(60));
        await stream.Stop();

        var recorded = await Eventually.Until(
            () => AuditLedger.CountByAggregate(auditDb, ":AccessRequestDrafted"),
            counts => stream.Accepted.All(id => counts.ContainsKey(id.ToString())),
            TimeSpan.FromSeconds(120),
            "every accepted request to be audited");
        var count = DeliveryCount.Of(stream.Sent, stream.Accepted, recorded, fault.Elapsed);
        output.WriteLine($"broker SIGKILL: {count}");
        Console.WriteLine($"[fault] broker SIGKILL: {count}");

        Assert.Equal(0, count.Lost);
        Assert.Equal(0, count.Duplicated);
        Assert.True(count.Accepted > 600, $"the stream should have kept flowing: {count}");
    }
}
