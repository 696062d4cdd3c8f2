using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Federation.Contracts;
using Federation.Contracts.Identity;
using Federation.ServiceDefaults.Events;
using Federation.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Federation.Audit.Tests;

/// <summary>The hash chain and its checkpoints on a real PostgreSQL and RabbitMQ, tampered with directly in the database.</summary>
public sealed class ChainOnPostgresTests(Infrastructure infrastructure, ITestOutputHelper output) : IClassFixture<Infrastructure>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_checkpoint_is_sealed_and_recorded_the_chain_verifies_and_a_payload_edited_in_the_database_is_reported_at_its_sequence()
    {
        var (federation, settings) = await Start("chain_tamper", checkpointEvery: 5);
        await using var _ = federation;
        using var admin = await federation.SignIn("admin");
        using var auditor = await federation.SignIn("auditor");

        var accounts = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            using var created = await admin.PostAsJsonAsync("/api/identity/accounts",
                new { userName = $"chain.user{i}", role = "researcher", dataHolders = Array.Empty<string>(), node = (string?)null });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            accounts.Add((await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>());
        }
        var last = (await Eventually.Until(() => auditor.AuditTrailOf(accounts[^1]), t => t.Count == 1, Deadline, "the last account's entry"))[0];
        var lastSequence = last["sequence"]!.GetValue<long>();
        Assert.Equal(64, last["hash"]!.GetValue<string>().Length);

        // Sealed over the accounts, and its own AuditCheckpointSealed recorded in the chain after it.
        var checkpoint = await Eventually.Until(() => Checkpoints(auditor),
            cs => cs.Any(c => c["toSequence"]!.GetValue<long>() >= lastSequence), Deadline, "a checkpoint over the accounts' entries")
            .ContinueWith(t => t.Result.First(c => c["toSequence"]!.GetValue<long>() >= lastSequence));
        var number = checkpoint["number"]!.GetValue<long>();
        var recorded = await Eventually.Until(() => auditor.GetFromJsonAsync<JsonObject>("/api/audit/events?eventType=AuditCheckpointSealed&limit=1000"),
            p => p!["items"]!.AsArray().Any(e => e!["event"]!["number"]!.GetValue<long>() == number), Deadline, "the checkpoint's event in the trail");
        var sealedEvent = recorded!["items"]!.AsArray().First(e => e!["event"]!["number"]!.GetValue<long>() == number)!;
        Assert.True(sealedEvent["sequence"]!.GetValue<long>() > checkpoint["toSequence"]!.GetValue<long>());
        Assert.Equal(checkpoint["signature"]!.GetValue<string>(), sealedEvent["event"]!["signature"]!.GetValue<string>());

        // An auditor's own check: the JWKS (anonymous) verifies the JWS, and its payload names the range and root.
        var jwks = (await federation.Client.GetFromJsonAsync<JsonObject>("/api/audit/keys"))!;
        var payload = VerifyOffline(checkpoint["signature"]!.GetValue<string>(), jwks);
        Assert.Equal(checkpoint["merkleRoot"]!.GetValue<string>(), payload["merkleRoot"]!.GetValue<string>());
        Assert.Equal(checkpoint["toSequence"]!.GetValue<long>(), payload["to"]!.GetValue<long>());

        var intact = await Verify(auditor, "");
        Assert.True(intact["verified"]!.GetValue<bool>(), intact.ToJsonString());
        Assert.True(intact["checkpoints"]!.GetValue<int>() >= 1);
        Assert.True(intact["entries"]!.GetValue<long>() >= lastSequence);

        // Someone with database access edits one recorded event.
        var target = (await auditor.AuditTrailOf(accounts[2]))[0]["sequence"]!.GetValue<long>();
        await using (var connection = new NpgsqlConnection(settings["ConnectionStrings__audit"]))
        {
            await connection.OpenAsync();
            await using var update = new NpgsqlCommand(
                "UPDATE audit_entries SET payload = replace(payload, 'chain.user2', 'chain.intruder') WHERE sequence = @s", connection);
            update.Parameters.AddWithValue("s", target);
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        var tampered = await Verify(auditor, "");
        Assert.False(tampered["verified"]!.GetValue<bool>());
        Assert.Equal(target, tampered["firstBroken"]!["sequence"]!.GetValue<long>());
        // A range that ends before the edit still verifies; one that starts at it does not.
        Assert.True((await Verify(auditor, $"?from=1&to={target - 1}"))["verified"]!.GetValue<bool>());
        Assert.Equal(target, (await Verify(auditor, $"?from={target}&to={target}"))["firstBroken"]!["sequence"]!.GetValue<long>());
    }

    [Fact]
    public async Task Many_events_at_once_into_two_replicas_give_gap_free_sequences_and_a_chain_that_verifies()
    {
        const int count = 1000;
        var (first, settings) = await Start("chain_concurrent", checkpointEvery: 100);
        await using var _ = first;
        var replicaSettings = new Dictionary<string, string>(settings) { ["Federation__Security__Authority"] = first.Client.BaseAddress!.ToString() };
        replicaSettings.Remove("Federation__Identity__SeedDemo");
        await using var second = await InProcessFederation.StartExactly("audit", _ => { }, replicaSettings.AsArguments());
        using var auditor = await first.SignIn("auditor");

        var marker = Guid.NewGuid().ToString("N")[..8];
        var stamp = new EventStamp(Actor.Service("chain-test"), Guid.NewGuid(), TimeProvider.System);
        var events = Enumerable.Range(0, count).Select(i => stamp.Stamp(new AccountCreated
        {
            AccountId = $"{marker}-{i}", UserName = $"load.{marker}.{i}", Role = "researcher", DataHolders = [],
        }, $"{marker}-{i}", 1)).ToList();
        var bus = first.Services.GetRequiredService<IBus>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(events.Select(e => bus.Publish(e, context => context.MessageId = e.EventId)));

        var audit = settings["ConnectionStrings__audit"];
        await Eventually.Until(() => Scalar(audit, $"SELECT count(*) FROM audit_entries WHERE aggregate_id LIKE '{marker}-%'"),
            n => n == count, Deadline, $"{count} entries");
        output.WriteLine($"{count} events recorded by two replicas in {clock.Elapsed.TotalSeconds:0.00} s: {count / clock.Elapsed.TotalSeconds:0} appends/s");

        // One statement, one snapshot: checkpoint events keep arriving meanwhile.
        var (rows, min, max) = await Span(audit);
        Assert.Equal((1L, rows), (min, max));
        Assert.True(await Scalar(audit, "SELECT sequence FROM audit_chain_head") >= max);
        Assert.Equal(count, await Scalar(audit, $"SELECT count(DISTINCT event_id) FROM audit_entries WHERE aggregate_id LIKE '{marker}-%'"));

        // Checkpoints of at most 100 entries tile the chain up to the last of the events (what follows it may be only
        // checkpoint events, which do not start a checkpoint of their own).
        var lastEvent = await Scalar(audit, $"SELECT max(sequence) FROM audit_entries WHERE aggregate_id LIKE '{marker}-%'");
        var sealedUpTo = await Eventually.Until(() => AllCheckpoints(auditor), cs => cs.Count > 0 && cs[^1]["toSequence"]!.GetValue<long>() >= lastEvent,
            Deadline, "checkpoints over every entry");
        Assert.Equal(1, sealedUpTo[0]["fromSequence"]!.GetValue<long>());
        Assert.All(sealedUpTo.Zip(sealedUpTo.Skip(1)), pair =>
            Assert.Equal(pair.First["toSequence"]!.GetValue<long>() + 1, pair.Second["fromSequence"]!.GetValue<long>()));
        Assert.All(sealedUpTo, c => Assert.True(c["toSequence"]!.GetValue<long>() - c["fromSequence"]!.GetValue<long>() < 101));

        var report = await Verify(auditor, "");
        Assert.True(report["verified"]!.GetValue<bool>(), report.ToJsonString());
        Assert.True(report["entries"]!.GetValue<long>() >= rows);
        Assert.True(report["checkpoints"]!.GetValue<int>() >= count / 100, report.ToJsonString());
    }

    private async Task<(InProcessFederation Federation, Dictionary<string, string> Settings)> Start(string test, int checkpointEvery)
    {
        var settings = (await infrastructure.SettingsFor(test, "audit", "identity")).WithIdentity();
        settings["Federation__Audit__CheckpointEvery"] = checkpointEvery.ToString();
        settings["Federation__Audit__CheckpointInterval"] = "00:00:01";
        return (await InProcessFederation.Start("audit", settings.AsArguments()), settings);
    }

    private static async Task<List<JsonObject>> Checkpoints(HttpClient auditor) =>
        (await auditor.GetFromJsonAsync<JsonObject>("/api/audit/checkpoints?limit=1000"))!["items"]!.AsArray().Select(c => c!.AsObject()).ToList();

    private static async Task<List<JsonObject>> AllCheckpoints(HttpClient auditor)
    {
        var all = new List<JsonObject>();
        long? after = 0;
        while (after is not null)
        {
            var page = (await auditor.GetFromJsonAsync<JsonObject>($"/api/audit/checkpoints?after={after}&limit=10"))!;
            all.AddRange(page["items"]!.AsArray().Select(c => c!.AsObject()));
            after = page["next"]?.GetValue<long>();
        }
        return all;
    }

    private static async Task<JsonObject> Verify(HttpClient auditor, string query)
    {
        using var response = await auditor.GetAsync($"/api/audit/verify{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static async Task<(long Count, long Min, long Max)> Span(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*), min(sequence), max(sequence) FROM audit_entries", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private static async Task<long> Scalar(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>What an auditor's tool does: ES256 over the JWS signing input with the JWK named by the header's kid.</summary>
    private static JsonObject VerifyOffline(string jws, JsonObject jwks)
    {
        var parts = jws.Split('.');
        var header = JsonNode.Parse(Base64Url(parts[0]))!;
        Assert.Equal("ES256", header["alg"]!.GetValue<string>());
        var jwk = jwks["keys"]!.AsArray().Single(k => k!["kid"]!.GetValue<string>() == header["kid"]!.GetValue<string>())!;
        Assert.Null(jwk["d"]); // never the private part
        using var key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url(jwk["x"]!.GetValue<string>()), Y = Base64Url(jwk["y"]!.GetValue<string>()) },
        });
        Assert.True(key.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), Base64Url(parts[2]), HashAlgorithmName.SHA256));
        return JsonNode.Parse(Base64Url(parts[1]))!.AsObject();
    }

    private static byte[] Base64Url(string value) => System.Buffers.Text.Base64Url.DecodeFromChars(value);
}
