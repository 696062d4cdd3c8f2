using System.Text;
using System.Text.Json.Nodes;
using Federation.Testing;
using RabbitMQ.Client;
using Xunit;
using Xunit.Abstractions;

namespace Federation.FaultTests;

/// <summary>Messages the transport delivers twice, and messages nobody can read, in the middle of a stream.</summary>
[Collection(FaultCollection.Name)]
public sealed class PoisonAndDuplicateTests(ITestOutputHelper output)
{
    private const string DraftedExchange = "Federation.Contracts.Access:AccessRequestDrafted";
    private const string AuditQueue = "audit-trail";

    [Fact]
    public async Task A_redelivered_event_is_recorded_once_and_a_poison_message_goes_to_the_error_queue_without_blocking()
    {
        await using var scenario = await FaultScenario.Start(output);
        scenario.Stream.Start();
        await scenario.Stream.AcceptedAtLeast(200, TimeSpan.FromSeconds(60));
        var audited = await scenario.UntilAudited(scenario.Stream.Accepted.Take(1).ToList());
        var victim = (await scenario.Auditor.AuditTrailOf(Guid.Parse(audited.Keys.First())))[0];

        var factory = new ConnectionFactory { Uri = new Uri(scenario.Broker!.Url) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        scenario.FaultNow();
        // The same event twice more, with its original message id, as a broker redelivery would bring it.
        var envelope = Envelope(victim);
        await Publish(channel, envelope);
        await Publish(channel, envelope);
        // And a message no consumer can deserialize.
        await Publish(channel, "{ this is not json");
        await scenario.Stream.AcceptedAtLeast(200, TimeSpan.FromSeconds(60)); // the queue keeps flowing
        await scenario.Recovered();

        var errorQueue = await Eventually.Until(() => MessageCount(channel, $"{AuditQueue}_error"), n => n >= 1, TimeSpan.FromSeconds(30),
            "the poison message to be visible in the error queue");
        await Eventually.Until(() => MessageCount(channel, AuditQueue), n => n == 0, TimeSpan.FromSeconds(30), "the audit queue to drain");
        var count = await scenario.StopAndCount("duplicate delivery and poison message");
        output.WriteLine($"[fault] error queue {AuditQueue}_error holds {errorQueue} message(s)");
        Console.WriteLine($"[fault] error queue {AuditQueue}_error holds {errorQueue} message(s)");

        Assert.Equal(1u, errorQueue);
        Assert.Equal(1, (await AuditLedger.CountByAggregate(scenario.AuditDatabase, ":AccessRequestDrafted"))[victim["aggregateId"]!.GetValue<string>()]);
        Assert.True(count.Lost == 0 && count.Duplicated == 0, count.ToString());
    }

    /// <summary>The MassTransit JSON envelope of an audited event, with its original message id.</summary>
    private static string Envelope(JsonObject entry) => new JsonObject
    {
        ["messageId"] = entry["eventId"]!.GetValue<Guid>().ToString(),
        ["messageType"] = new JsonArray("urn:message:" + DraftedExchange),
        ["message"] = entry["event"]!.DeepClone(),
        ["sentTime"] = DateTimeOffset.UtcNow.ToString("O"),
    }.ToJsonString();

    private static async Task Publish(IChannel channel, string body) =>
        await channel.BasicPublishAsync(DraftedExchange, "", mandatory: true,
            new BasicProperties { Persistent = true, ContentType = "application/vnd.masstransit+json" }, Encoding.UTF8.GetBytes(body));

    private static async Task<uint> MessageCount(IChannel channel, string queue) => (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
}
