using Federation.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Federation.FaultTests;

/// <summary>
/// Each test drives a steady stream of accepted requests through the access and audit roles in two
/// processes, injects one fault, recovers, and prints sent / accepted / delivered / lost / duplicated
/// and the recovery time. Lost and duplicated must be 0.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class FaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_broker_killed_with_sigkill_and_restarted_loses_and_doubles_nothing()
    {
        await using var scenario = await FaultScenario.Start(output);
        scenario.Stream.Start();
        // Quorum queues need a moment after declaration before a broker crash is survivable (a queue
        // killed within 0.5 s of its declaration came back without a leader); the warm-up gives it that.
        await scenario.Stream.AcceptedAtLeast(300, Deadline);

        scenario.FaultNow();
        await scenario.Broker!.Kill();
        await scenario.Stream.AcceptedAtLeast(100, Deadline); // the API keeps accepting: the outbox holds the events
        await scenario.Broker.Restart();
        await scenario.Recovered();
        await scenario.Stream.AcceptedAtLeast(200, Deadline);

        AssertExactlyOnce(await scenario.StopAndCount("broker SIGKILL"));
    }

    [Fact]
    public async Task The_consuming_process_killed_mid_batch_and_restarted_loses_and_doubles_nothing()
    {
        await using var scenario = await FaultScenario.Start(output);
        scenario.Stream.Start();
        await scenario.Stream.AcceptedAtLeast(300, Deadline);

        scenario.FaultNow();
        await scenario.Audit.Kill(); // SIGKILL while its group commit has batches in flight
        await scenario.Stream.AcceptedAtLeast(200, Deadline);
        await scenario.Audit.Restart();
        await scenario.Recovered();
        await scenario.Stream.AcceptedAtLeast(200, Deadline);

        AssertExactlyOnce(await scenario.StopAndCount("consumer SIGKILL"));
    }

    [Fact]
    public async Task Events_committed_by_a_process_killed_before_its_relay_ran_are_delivered_after_restart()
    {
        // The relay is held back, so every accepted request is committed and not yet relayed when the process dies.
        await using var scenario = await FaultScenario.Start(output, new Dictionary<string, string> { ["Federation__Outbox__RelayPaused"] = "true" });
        scenario.Stream.Start();
        await scenario.Stream.AcceptedAtLeast(300, Deadline);
        await scenario.Stream.Stop();
        Assert.Empty(await AuditLedger.CountByAggregate(scenario.AuditDatabase, ":AccessRequestDrafted"));

        scenario.FaultNow();
        await scenario.Access.Kill();
        await scenario.Access.Restart(changes: new Dictionary<string, string> { ["Federation__Outbox__RelayPaused"] = "false" });
        await scenario.Recovered();

        AssertExactlyOnce(await scenario.StopAndCount("publisher SIGKILL between commit and relay"));
    }

    [Fact]
    public async Task The_publishing_process_killed_under_load_and_restarted_loses_and_doubles_nothing()
    {
        await using var scenario = await FaultScenario.Start(output);
        scenario.Stream.Start();
        await scenario.Stream.AcceptedAtLeast(300, Deadline);

        scenario.FaultNow();
        await scenario.Access.Kill(); // requests in flight fail: they were never acknowledged, so they are not counted as accepted
        await scenario.Access.Restart();
        await scenario.Recovered();
        await scenario.Stream.AcceptedAtLeast(200, Deadline);

        AssertExactlyOnce(await scenario.StopAndCount("publisher SIGKILL under load"));
    }

    [Fact]
    public async Task PostgreSQL_restarted_under_load_loses_and_doubles_nothing()
    {
        await using var scenario = await FaultScenario.Start(output);
        scenario.Stream.Start();
        await scenario.Stream.AcceptedAtLeast(300, Deadline);

        scenario.FaultNow();
        await scenario.Postgres.Restart(); // fast shutdown: open transactions abort, connections drop
        await scenario.Stream.AcceptedAtLeast(200, Deadline);
        await scenario.Recovered();

        AssertExactlyOnce(await scenario.StopAndCount("PostgreSQL fast restart"));
    }

    [Fact]
    public async Task Roles_started_before_the_broker_report_not_ready_then_deliver_everything_once_it_appears()
    {
        var port = FreePort.Pick();
        await using var scenario = await FaultScenario.Start(output, brokerPort: port);
        await Eventually.Until(scenario.Access.IsLive, Deadline, "the access process to be live");
        Assert.False(await scenario.Access.IsReady());
        Assert.False(await scenario.Audit.IsReady());

        scenario.FaultNow();
        scenario.Stream.Start();
        await scenario.Stream.AcceptedAtLeast(200, Deadline); // accepted while no broker exists: held in the outbox
        scenario.Adopt(await RabbitMqServer.StartOn(port));
        await Eventually.Until(async () => await scenario.Access.IsReady() && await scenario.Audit.IsReady(), Deadline, "both roles to become ready");
        await scenario.Recovered();
        await scenario.Stream.AcceptedAtLeast(200, Deadline);

        AssertExactlyOnce(await scenario.StopAndCount("broker absent at start-up"));
    }

    private static void AssertExactlyOnce(DeliveryCount count)
    {
        Assert.True(count.Lost == 0, $"lost: {count}");
        Assert.True(count.Duplicated == 0, $"duplicated: {count}");
        Assert.True(count.Delivered == count.Accepted, $"delivered: {count}");
    }
}
