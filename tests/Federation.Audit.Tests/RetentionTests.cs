using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Federation.Audit.Data;
using Federation.Audit.Retention;
using Federation.Contracts;
using Federation.Contracts.Identity;
using Federation.ServiceDefaults.Events;
using Federation.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Federation.Audit.Tests;

/// <summary>
/// Retention: entries past it are pruned up to the end of the last sealed checkpoint they fill, the checkpoints stay, the
/// pruning is recorded in the chain, what remains verifies against the checkpoint's signed hash, and tampering with what
/// remains (or removing entries without a recorded pruning) is still found. On PostgreSQL and RabbitMQ, and embedded.
/// </summary>
public sealed class RetentionTests(Infrastructure infrastructure) : IClassFixture<Infrastructure>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task On_postgres_pruning_stops_at_a_sealed_checkpoint_keeps_it_and_what_remains_verifies_and_still_shows_tampering()
    {
        var settings = (await infrastructure.SettingsFor("audit_retention", "audit", "identity")).WithIdentity();
        await Scenario(settings);
    }

    [Fact]
    public async Task On_the_embedded_store_pruning_stops_at_a_sealed_checkpoint_keeps_it_and_what_remains_verifies_and_still_shows_tampering() =>
        await Scenario(new Dictionary<string, string>());

    private static async Task Scenario(Dictionary<string, string> settings)
    {
        // Checkpoints of five entries, and none sealed by time during the test: entries after the last full five stay unsealed.
        settings["Federation__Audit__CheckpointEvery"] = "5";
        settings["Federation__Audit__CheckpointInterval"] = "01:00:00";
        await using var federation = await InProcessFederation.Start("audit", settings.AsArguments());
        using var auditor = await federation.SignIn("auditor");
        var factory = federation.Services.GetRequiredService<IDbContextFactory<AuditDbContext>>();
        var bus = federation.Services.GetRequiredService<IBus>();
        var marker = Guid.NewGuid().ToString("N")[..8];

        // Old entries: twelve accounts (beside whatever the identity role's start recorded), sealed in checkpoints of five
        // until fewer than five wait; at least one old entry is left waiting, unsealed.
        await Publish(bus, marker, 0, 12);
        await Eventually.Until(() => Count(factory, e => e.AggregateId.StartsWith(marker)), n => n == 12, Deadline, "the old accounts");
        var settled = await Eventually.Until(() => State(factory), s => s.Checkpoints >= 2 && s.Head - s.Sealed < 5 && s.CheckpointEvents == s.Checkpoints,
            Deadline, "sealing to settle");
        if (settled.Head == settled.Sealed)
        {
            await Publish(bus, marker, 100, 1);
            await Eventually.Until(() => Count(factory, e => e.AggregateId.StartsWith(marker)), n => n == 13, Deadline, "one more old account");
        }
        var cutoff = DateTimeOffset.UtcNow;
        await Eventually.Until(() => Task.FromResult(DateTimeOffset.UtcNow > cutoff.AddMilliseconds(5)), Deadline, "the clock to pass the cutoff");

        // Young entries: three more accounts, recorded after the cutoff.
        await Publish(bus, marker, 12, 3);
        await Eventually.Until(() => Count(factory, e => e.AggregateId.StartsWith(marker) && e.RecordedAt > cutoff.UtcDateTime), n => n == 3, Deadline,
            "the young accounts");
        Assert.True((await Verify(auditor, ""))["verified"]!.GetValue<bool>());

        // What the retention rule allows, worked out here from the stored trail: up to the last checkpoint that ends before the first young entry.
        long firstYoung, boundary, checkpointNumber, checkpointCount, oldUnsealed;
        string anchorHash;
        await using (var db = await factory.CreateDbContextAsync())
        {
            firstYoung = await db.Entries.Where(e => e.RecordedAt >= cutoff.UtcDateTime).MinAsync(e => e.Sequence);
            var anchor = await db.Checkpoints.Where(c => c.ToSequence < firstYoung).OrderByDescending(c => c.ToSequence).FirstAsync();
            (boundary, checkpointNumber, anchorHash) = (anchor.ToSequence, anchor.Number, anchor.ChainHash);
            checkpointCount = await db.Checkpoints.CountAsync();
            oldUnsealed = await db.Entries.CountAsync(e => e.Sequence > boundary && e.RecordedAt < cutoff.UtcDateTime);
        }
        Assert.True(oldUnsealed >= 1, "an old entry past the last checkpoint, which pruning must keep");

        // Retention (400 days by default) has passed for the old entries only.
        var pruner = federation.Services.GetRequiredService<RetentionPruner>();
        var pruning = await pruner.Prune(cutoff.AddDays(400), CancellationToken.None);
        Assert.Equal(new Pruning(1, boundary, boundary, checkpointNumber), pruning);
        Assert.Null(await pruner.Prune(cutoff.AddDays(400), CancellationToken.None)); // nothing more is both old and sealed

        await using (var db = await factory.CreateDbContextAsync())
        {
            Assert.Equal(boundary + 1, await db.Entries.MinAsync(e => e.Sequence));
            Assert.False(await db.EntryRefs.AnyAsync(r => r.Sequence <= boundary));
            Assert.Equal(checkpointCount, await db.Checkpoints.CountAsync()); // the checkpoints stay
            // Old entries past the last sealed checkpoint are kept: pruning never cuts into an unsealed range.
            Assert.Equal(oldUnsealed, await db.Entries.CountAsync(e => e.RecordedAt < cutoff.UtcDateTime));
        }

        // The pruning is in the trail, as an entry of the chain.
        var recorded = Assert.Single((await auditor.GetFromJsonAsync<JsonObject>("/api/audit/events?action=AuditTrailPruned"))!["items"]!.AsArray())!;
        Assert.Equal((1L, boundary, boundary, checkpointNumber), (recorded["event"]!["fromSequence"]!.GetValue<long>(),
            recorded["event"]!["throughSequence"]!.GetValue<long>(), recorded["event"]!["entries"]!.GetValue<long>(), recorded["event"]!["checkpoint"]!.GetValue<long>()));
        Assert.Equal((anchorHash, "system:audit", "audit"),
            (recorded["event"]!["chainHash"]!.GetValue<string>(), recorded["actor"]!.GetValue<string>(), recorded["service"]!.GetValue<string>()));

        // What remains verifies, anchored at the checkpoint's signed chain hash; the pruned range is no longer verifiable.
        var report = await Verify(auditor, "");
        Assert.True(report["verified"]!.GetValue<bool>(), report.ToJsonString());
        Assert.Equal(boundary + 1, report["from"]!.GetValue<long>());
        using (var pruned = await auditor.GetAsync("/api/audit/verify?from=1"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, pruned.StatusCode);
            Assert.Equal("application/problem+json", pruned.Content.Headers.ContentType?.MediaType);
        }

        // Tampering with what remains is still found, at its sequence.
        var young = (await First(factory, e => e.AggregateId == $"{marker}-13")).Sequence;
        await Tamper(factory, db => db.Entries.Where(e => e.Sequence == young).ExecuteUpdateAsync(u => u.SetProperty(e => e.Payload, e => e.Payload.Replace("load", "lead"))));
        var tampered = await Verify(auditor, "");
        Assert.False(tampered["verified"]!.GetValue<bool>());
        Assert.Equal(young, tampered["firstBroken"]!["sequence"]!.GetValue<long>());

        // Removing more entries than a recorded pruning did is found too: what is left no longer rests on a signed anchor.
        await Tamper(factory, db => db.Entries.Where(e => e.Sequence == boundary + 1).ExecuteDeleteAsync());
        var cut = await Verify(auditor, "");
        Assert.False(cut["verified"]!.GetValue<bool>());
        Assert.Equal(boundary + 2, cut["firstBroken"]!["sequence"]!.GetValue<long>());
        Assert.Contains("missing", cut["firstBroken"]!["reason"]!.GetValue<string>());
    }

    private static async Task Publish(IBus bus, string marker, int from, int count)
    {
        var stamp = new EventStamp(Actor.Service("retention-test"), Guid.NewGuid(), TimeProvider.System);
        for (var i = from; i < from + count; i++)
        {
            var evt = stamp.Stamp(new AccountCreated { AccountId = $"{marker}-{i}", UserName = $"load.{marker}.{i}", Role = "researcher", DataHolders = [] },
                $"{marker}-{i}", 1);
            await bus.Publish(evt, context => context.MessageId = evt.EventId);
        }
    }

    private sealed record ChainState(long Head, long Sealed, int Checkpoints, int CheckpointEvents);

    private static async Task<ChainState> State(IDbContextFactory<AuditDbContext> factory)
    {
        await using var db = await factory.CreateDbContextAsync();
        return new ChainState(
            await db.Entries.MaxAsync(e => (long?)e.Sequence) ?? 0,
            await db.Checkpoints.MaxAsync(c => (long?)c.ToSequence) ?? 0,
            await db.Checkpoints.CountAsync(),
            await db.Entries.CountAsync(e => e.EventType.EndsWith(":AuditCheckpointSealed")));
    }

    private static async Task<int> Count(IDbContextFactory<AuditDbContext> factory, System.Linq.Expressions.Expression<Func<Domain.AuditEntry, bool>> filter)
    {
        await using var db = await factory.CreateDbContextAsync();
        return await db.Entries.CountAsync(filter);
    }

    private static async Task<Domain.AuditEntry> First(IDbContextFactory<AuditDbContext> factory,
        System.Linq.Expressions.Expression<Func<Domain.AuditEntry, bool>>? filter = null)
    {
        await using var db = await factory.CreateDbContextAsync();
        return await db.Entries.AsNoTracking().Where(filter ?? (_ => true)).OrderBy(e => e.Sequence).FirstAsync();
    }

    private static async Task Tamper(IDbContextFactory<AuditDbContext> factory, Func<AuditDbContext, Task<int>> change)
    {
        await using var db = await factory.CreateDbContextAsync();
        Assert.Equal(1, await change(db));
    }

    private static async Task<JsonObject> Verify(HttpClient auditor, string query)
    {
        using var response = await auditor.GetAsync($"/api/audit/verify{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
