using System.Collections.Concurrent;
using Federation.Contracts;
using Federation.Contracts.Access;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Federation.ServiceDefaults.Tests;

/// <summary>
/// A service with the real outbox relay, inbox writer and failure handling on an embedded SQLite
/// store, with MassTransit's in-memory test harness as the bus.
/// </summary>
public sealed class MessagingHost : IAsyncDisposable
{
    private readonly IHost host;
    private readonly string directory;

    private MessagingHost(IHost host, string directory)
    {
        this.host = host;
        this.directory = directory;
    }

    public ITestHarness Harness => host.Services.GetTestHarness();

    public FailurePlan Failures => host.Services.GetRequiredService<FailurePlan>();

    public static async Task<MessagingHost> Start()
    {
        var directory = Directory.CreateTempSubdirectory("federation-sd-tests-").FullName;
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Federation:DataDirectory"] = directory,
            ["Federation:Outbox:PollInterval"] = "00:00:00.050",
            ["Federation:Messaging:RetryIntervals:0"] = "00:00:00.001",
            ["Federation:Messaging:RedeliveryDelays:0"] = "00:00:00.100",
            ["Federation:Messaging:RedeliveryDelays:1"] = "00:00:00.100",
        });
        // The constraint-violation test makes EF log failed commands by design; keep the test output readable.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", Microsoft.Extensions.Logging.LogLevel.None);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<FailurePlan>();
        builder.Services.Configure<OutboxOptions>(builder.Configuration.GetSection(OutboxOptions.Section));
        builder.Services.Configure<MessagingOptions>(builder.Configuration.GetSection(MessagingOptions.Section));
        builder.Services.PostConfigure<MessagingOptions>(o => o.WithDefaults());
        builder.AddServiceDatabase<TestDbContext>("test");
        builder.Services.AddMassTransitTestHarness(bus => bus.AddInboxConsumer<NoteConsumer, TestDbContext>("test"));

        var host = builder.Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<ServiceDatabase<TestDbContext>>().WhenSchemaReady(CancellationToken.None);
        return new MessagingHost(host, directory);
    }

    public static AccessRequestDrafted Drafted(string title, Guid? aggregate = null, long version = 1) =>
        new EventStamp(Actor.System, Guid.NewGuid(), TimeProvider.System).Stamp(
            new AccessRequestDrafted { RequestId = aggregate ?? Guid.NewGuid(), Title = title, Applicant = "tester", DatasetIds = ["ds-1"] },
            (aggregate ?? Guid.NewGuid()).ToString(), version);

    /// <summary>Publishes through the outbox, as a service's handler does.</summary>
    public async Task PublishThroughOutbox(params FederationEvent[] events)
    {
        await using var db = await Db();
        foreach (var e in events)
            db.Publish(e);
        await db.SaveChangesAsync();
    }

    /// <summary>Each event in its own unit of work through the group commit, all queued at once (so they share batches).</summary>
    public Task PublishThroughGroupCommit(params FederationEvent[] events)
    {
        var store = host.Services.GetRequiredService<GroupCommit<TestDbContext>>();
        return Task.WhenAll(events.Select(e => store.Write((db, _) =>
        {
            db.Publish(e);
            return Task.FromResult(true);
        })));
    }

    public async Task<TestDbContext> Db() =>
        await host.Services.GetRequiredService<IDbContextFactory<TestDbContext>>().CreateDbContextAsync();

    public async Task<List<string>> NoteTexts()
    {
        await using var db = await Db();
        return await db.Notes.Select(n => n.Text).ToListAsync();
    }

    public async Task<int> OutboxRows()
    {
        await using var db = await Db();
        return await db.OutboxMessages.CountAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }
}

/// <summary>Which titles fail, how often, and what each attempt saw.</summary>
public sealed class FailurePlan
{
    private readonly ConcurrentDictionary<string, int> failuresLeft = new();

    public ConcurrentQueue<(string Title, string? Redelivery)> Attempts { get; } = new();

    public void Fail(string title, int times) => failuresLeft[title] = times;

    public void Check(string title, string? redelivery)
    {
        Attempts.Enqueue((title, redelivery));
        if (failuresLeft.TryGetValue(title, out var left) && left > 0)
        {
            failuresLeft[title] = left - 1;
            throw new InvalidOperationException($"planned failure of {title}");
        }
    }
}

/// <summary>Writes the title of each drafted request as a note (titles are unique in the store).</summary>
public sealed class NoteConsumer(GroupCommit<TestDbContext> store, FailurePlan plan) : InboxConsumer<TestDbContext, AccessRequestDrafted>(store)
{
    protected override Task Apply(TestDbContext db, ConsumeContext<AccessRequestDrafted> context, CancellationToken cancellationToken)
    {
        plan.Check(context.Message.Title, context.Headers.Get<string>("Federation-Redelivery"));
        db.Notes.Add(new Note { Id = Guid.NewGuid(), Text = context.Message.Title });
        return Task.CompletedTask;
    }
}
