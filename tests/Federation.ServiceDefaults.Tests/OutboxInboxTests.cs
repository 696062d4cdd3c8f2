using Federation.Contracts.Access;
using Federation.Testing;
using MassTransit;
using MassTransit.Testing;
using Xunit;

namespace Federation.ServiceDefaults.Tests;

public sealed class OutboxInboxTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private MessagingHost service = null!;

    public async Task InitializeAsync() => service = await MessagingHost.Start();

    public async Task DisposeAsync() => await service.DisposeAsync();

    [Fact]
    public async Task An_event_committed_with_the_outbox_is_published_with_its_event_id_and_the_row_is_removed()
    {
        var drafted = MessagingHost.Drafted("outbox-1");

        await service.PublishThroughOutbox(drafted);

        await Eventually.Until(async () => (await service.NoteTexts()).Contains("outbox-1"), Deadline, "the consumer's note");
        await Eventually.Until(async () => await service.OutboxRows() == 0, Deadline, "the outbox row to be deleted");
        var published = service.Harness.Published.Select<AccessRequestDrafted>().Single();
        Assert.Equal(drafted.EventId, published.Context.MessageId);
        Assert.Equal(drafted.CorrelationId, published.Context.CorrelationId);
    }

    [Fact]
    public async Task A_message_delivered_twice_is_applied_once()
    {
        var drafted = MessagingHost.Drafted("twice");
        using var duplicates = new MetricTotal("federation.inbox.duplicates");

        await service.Harness.Bus.Publish(drafted, ctx => ctx.MessageId = drafted.EventId);
        await service.Harness.Bus.Publish(drafted, ctx => ctx.MessageId = drafted.EventId);

        await Eventually.Until(() => Task.FromResult(duplicates.Total >= 1), Deadline, "the second delivery to be recognised as a duplicate");
        await Eventually.Until(async () => (await service.NoteTexts()).Contains("twice"), Deadline, "the note");
        Assert.Single(await service.NoteTexts(), t => t == "twice");
    }

    [Fact]
    public async Task A_message_applied_in_an_earlier_batch_is_recognised_when_it_comes_again_alone_or_among_new_ones()
    {
        // Batches save inbox rows without looking them up first; a redelivery must still be a duplicate, not a failure.
        var first = MessagingHost.Drafted("earlier");
        using var duplicates = new MetricTotal("federation.inbox.duplicates");
        await service.Harness.Bus.Publish(first, ctx => ctx.MessageId = first.EventId);
        await Eventually.Until(async () => (await service.NoteTexts()).Contains("earlier"), Deadline, "the first delivery's note");

        await service.Harness.Bus.Publish(first, ctx => ctx.MessageId = first.EventId); // alone
        await Eventually.Until(() => Task.FromResult(duplicates.Total >= 1), Deadline, "the lone redelivery to be recognised");
        var fresh = Enumerable.Range(0, 20).Select(i => MessagingHost.Drafted($"among-{i}")).ToList();
        await Task.WhenAll(fresh.Select(f => service.Harness.Bus.Publish(f, ctx => ctx.MessageId = f.EventId))
            .Append(service.Harness.Bus.Publish(first, ctx => ctx.MessageId = first.EventId))); // among new ones

        await Eventually.Until(async () => (await service.NoteTexts()).Count(t => t.StartsWith("among-")) == 20, Deadline, "the new messages' notes");
        await Eventually.Until(() => Task.FromResult(duplicates.Total >= 2), Deadline, "the second redelivery to be recognised");
        Assert.Single(await service.NoteTexts(), t => t == "earlier");
        Assert.False(service.Harness.Published.Select<Fault<AccessRequestDrafted>>().Any(), "a redelivery faulted instead of being acknowledged");
    }

    [Fact]
    public async Task Events_of_one_aggregate_leave_in_commit_order()
    {
        var aggregate = Guid.NewGuid();
        for (var version = 1; version <= 30; version++)
            await service.PublishThroughOutbox(MessagingHost.Drafted($"order-{version}", aggregate, version));

        await Eventually.Until(() => Task.FromResult(service.Harness.Published.Select<AccessRequestDrafted>().Count() == 30), Deadline, "30 publishes");
        var versions = service.Harness.Published.Select<AccessRequestDrafted>().Select(p => p.Context.Message.AggregateVersion).ToList();
        Assert.Equal(Enumerable.Range(1, 30).Select(v => (long)v), versions);
    }

    [Fact]
    public async Task Events_of_one_aggregate_handed_over_by_the_group_commit_leave_in_commit_order()
    {
        // The relay publishes rows a commit hands over without reading the store only when they cannot overtake an
        // unsent row of their aggregate; here every version after the first finds its predecessor in flight or unsent.
        var aggregate = Guid.NewGuid();
        var others = Enumerable.Range(0, 20).Select(i => MessagingHost.Drafted($"new-{i}")).ToArray();

        await service.PublishThroughGroupCommit([.. Enumerable.Range(1, 30).Select(v => MessagingHost.Drafted($"handed-{v}", aggregate, v)), .. others]);

        await Eventually.Until(() => Task.FromResult(service.Harness.Published.Select<AccessRequestDrafted>().Count() == 50), Deadline, "50 publishes");
        var versions = service.Harness.Published.Select<AccessRequestDrafted>().Where(p => p.Context.Message.AggregateId == aggregate.ToString())
            .Select(p => p.Context.Message.AggregateVersion).ToList();
        Assert.Equal(Enumerable.Range(1, 30).Select(v => (long)v), versions);
        await Eventually.Until(async () => await service.OutboxRows() == 0, Deadline, "every outbox row to be deleted");
    }

    [Fact]
    public async Task A_failing_message_is_retried_then_redelivered_durably_and_then_applied()
    {
        service.Failures.Fail("flaky", times: 4); // both in-process attempts fail, on delivery and on redelivery 1; redelivery 2 succeeds

        await service.PublishThroughOutbox(MessagingHost.Drafted("flaky"));

        await Eventually.Until(async () => (await service.NoteTexts()).Contains("flaky"), Deadline, "the note after redelivery");
        var attempts = service.Failures.Attempts.Where(a => a.Title == "flaky").Select(a => a.Redelivery ?? "0").ToList();
        Assert.Equal(["0", "0", "1", "1", "2"], attempts);
        Assert.Single(await service.NoteTexts(), t => t == "flaky");
    }

    [Fact]
    public async Task A_message_that_always_fails_ends_in_the_error_path_without_blocking_the_others()
    {
        service.Failures.Fail("poison", times: int.MaxValue);
        var others = Enumerable.Range(0, 40).Select(i => MessagingHost.Drafted($"ok-{i}")).ToArray();

        await service.PublishThroughOutbox([MessagingHost.Drafted("poison"), .. others]);

        await Eventually.Until(async () => (await service.NoteTexts()).Count(t => t.StartsWith("ok-")) == 40, Deadline, "the 40 good messages");
        await Eventually.Until(() => Task.FromResult(service.Harness.Published.Select<Fault<AccessRequestDrafted>>().Any()), Deadline,
            "the poison message to fault (MassTransit then moves it to the _error queue)");
        Assert.DoesNotContain("poison", await service.NoteTexts());
        Assert.Equal(6, service.Failures.Attempts.Count(a => a.Title == "poison")); // (1 + 1 retry) × (1 + 2 redeliveries)
    }

    [Fact]
    public async Task An_effect_that_breaks_a_constraint_fails_alone_inside_a_batch()
    {
        // Same title twice: the second note violates the unique index when its batch is saved.
        var messages = Enumerable.Range(0, 30).Select(i => MessagingHost.Drafted($"batch-{i}")).Append(MessagingHost.Drafted("batch-7")).ToArray();

        await service.PublishThroughOutbox(messages);

        await Eventually.Until(() => Task.FromResult(service.Harness.Published.Select<Fault<AccessRequestDrafted>>().Any()), Deadline, "the duplicate to fault");
        var notes = await service.NoteTexts();
        Assert.Equal(30, notes.Count(t => t.StartsWith("batch-")));
    }
}
