using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Federation.Contracts;
using Federation.Contracts.Compute;
using Federation.ServiceDefaults.Events;
using Federation.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Federation.Audit.Tests;

/// <summary>
/// The node agent's own audit chain, on RabbitMQ and PostgreSQL: the node records every task part it runs in its own
/// database, seals and signs checkpoints and sends them; the audit role cross-checks them against the task parts it
/// recorded, and reports a result altered on the way and a part the node never ran.
/// </summary>
public sealed class NodeAuditTests(Infrastructure infrastructure) : IClassFixture<Infrastructure>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);
    private const string Dataset = "demo-lung-ct";
    private const string Node = "node-demo";

    [Fact]
    public async Task The_node_keeps_and_seals_its_own_chain_and_the_audit_role_reports_where_the_trail_diverges_from_it()
    {
        var settings = await infrastructure.SettingsFor("audit_node", "compute", "access", "consent", "discovery", "audit", "identity", "node-agent");
        settings["Federation__Identity__SeedDemo"] = "true";
        settings["Federation__Compute__Nodes__SeedDemo"] = "true";
        settings["Federation__NodeAgent__Audit__CheckpointInterval"] = "00:00:01";
        await using var hub = await InProcessFederation.Start("compute,access,consent,discovery,audit,node-agent", settings.AsArguments());
        using var researcher = await hub.SignIn("researcher");
        using var dac = await hub.SignIn("dac");
        using var auditor = await hub.SignIn("auditor");
        await Eventually.Until(() => researcher.GetFromJsonAsync<JsonObject>("/api/datasets"), p => p!["total"]!.GetValue<int>() == 2, Deadline, "the demo datasets");
        await Grant(researcher, dac);

        // A task runs at the node: the node's chain holds it, a checkpoint carries it, the trail agrees with it.
        var first = await RunTask(researcher);
        var consistent = await Eventually.Until(() => CrossCheck(auditor), r => r["matched"]!.GetValue<int>() == 1, Deadline, "the node's checkpoint over the first part");
        Assert.True(consistent["consistent"]!.GetValue<bool>(), consistent.ToJsonString());
        Assert.Equal(($"node-{Node}-audit-1", 0), (consistent["keyId"]!.GetValue<string>(), consistent["divergences"]!.AsArray().Count));
        var local = await NodeChain(settings["ConnectionStrings__node-agent"]);
        var part = Assert.Single(local);
        Assert.Equal((first, Dataset, "COMPLETE", 1L), (part.TaskId, part.Dataset, part.State, part.Sequence));
        Assert.Matches("^[0-9a-f]{64}$", part.ResultHash);
        Assert.Matches("^[0-9a-f]{64}$", part.VisaHash); // the visa it checked, by hash only

        // On the way to the trail, someone alters the released result of that part, and invents a part the node never ran.
        var bus = hub.Services.GetRequiredService<IBus>();
        var stamp = new EventStamp(new Actor($"node:{Node}", "node", "node-agent"), Guid.NewGuid(), TimeProvider.System);
        var invented = "task-" + Guid.NewGuid().ToString("N")[..12];
        foreach (var forged in new[]
                 {
                     stamp.Stamp(new TaskPartFinished { TaskId = first, Node = Node, Dataset = Dataset, State = "COMPLETE", Result = """{"subjects":41}""" },
                         $"{first}/{Node}/{Dataset}", 2),
                     stamp.Stamp(new TaskPartFinished { TaskId = invented, Node = Node, Dataset = Dataset, State = "COMPLETE", Result = """{"subjects":40}""" },
                         $"{invented}/{Node}/{Dataset}", 1),
                 })
            await bus.Publish(forged, context => context.MessageId = forged.EventId);

        // A second task: the node seals a checkpoint after the forgeries, so what it does not hold is now a divergence.
        var second = await RunTask(researcher);
        var report = await Eventually.Until(() => CrossCheck(auditor), r => r["matched"]!.GetValue<int>() == 2 && r["divergences"]!.AsArray().Count == 2,
            Deadline, "the second part sealed and both forgeries reported");
        var divergences = report["divergences"]!.AsArray().Select(d => d!.AsObject()).ToList();
        var differs = Assert.Single(divergences, d => d["kind"]!.GetValue<string>() == "differs");
        Assert.Equal((first, Dataset), (differs["taskId"]!.GetValue<string>(), differs["dataset"]!.GetValue<string>()));
        var notAtNode = Assert.Single(divergences, d => d["kind"]!.GetValue<string>() == "not-at-node");
        Assert.Equal(invented, notAtNode["taskId"]!.GetValue<string>());
        Assert.False(report["consistent"]!.GetValue<bool>());
        Assert.Equal(2, report["nodeEntries"]!.GetValue<long>());
        Assert.Contains(second, (await NodeChain(settings["ConnectionStrings__node-agent"])).Select(e => e.TaskId));

        // Everything the node recorded reached the trail: nothing is missing there, even without a grace period.
        var strict = (await auditor.GetFromJsonAsync<JsonObject>($"/api/audit/nodes/{Node}/cross-check?graceSeconds=0"))!;
        Assert.DoesNotContain(strict["divergences"]!.AsArray(), d => d!["kind"]!.GetValue<string>() == "not-at-center");

        // The node's checkpoints are in the trail like any event, and the trail still verifies.
        var sealedEvents = (await auditor.GetFromJsonAsync<JsonObject>($"/api/audit/events?action=NodeAuditCheckpointSealed&node={Node}"))!["items"]!.AsArray();
        Assert.True(sealedEvents.Count >= 2);
        Assert.All(sealedEvents, e => Assert.Equal(("node-agent", Node), (e!["service"]!.GetValue<string>(), e["node"]!.GetValue<string>())));
        Assert.True((await auditor.GetFromJsonAsync<JsonObject>("/api/audit/verify"))!["verified"]!.GetValue<bool>());

        using (var unknown = await auditor.GetAsync("/api/audit/nodes/nowhere/cross-check"))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using (var bad = await auditor.GetAsync($"/api/audit/nodes/{Node}/cross-check?graceSeconds=-1"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        }
        using (var researcherAsks = await researcher.GetAsync($"/api/audit/nodes/{Node}/cross-check"))
            Assert.Equal(HttpStatusCode.Forbidden, researcherAsks.StatusCode);
    }

    private static async Task Grant(HttpClient researcher, HttpClient dac)
    {
        Guid requestId;
        using (var draft = await researcher.PostAsJsonAsync("/api/access-requests",
                   new { title = "Node audit", datasetIds = new[] { Dataset }, purposeTerms = new { purposes = new[] { "DUO:0000037" } } }))
            requestId = (await draft.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        await researcher.Submit(requestId);
        await Eventually.Until(() => researcher.GetFromJsonAsync<JsonObject>($"/api/access-requests/{requestId}"),
            r => r!["datasets"]![0]!["consentCheck"] is not null, Deadline, "the consent check");
        using var vote = await dac.PostAsJsonAsync($"/api/access-requests/{requestId}/datasets/{Dataset}/votes", new { decision = "approve" });
        Assert.Equal(HttpStatusCode.OK, vote.StatusCode);
    }

    /// <summary>Submits tasks until one is routed (the entitlement and the node's heartbeat reach compute on their own time), and waits for it to complete.</summary>
    private static async Task<string> RunTask(HttpClient researcher)
    {
        var id = await Eventually.Until(async () =>
        {
            var json = $$"""
                { "name": "node audit", "inputs": [{ "url": "federation://datasets/{{Dataset}}", "path": "/data/{{Dataset}}" }],
                  "executors": [{ "image": "builtin:cohort-statistics", "command": ["cohort-statistics"] }] }
                """;
            using var response = await researcher.PostAsync("/ga4gh/tes/v1/tasks", new StringContent(json, Encoding.UTF8, "application/json"));
            var task = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
            return (task, routed: (await researcher.GetFromJsonAsync<JsonObject>($"/api/routing/{task}"))!["routed"]!.GetValue<bool>());
        }, t => t.routed, Deadline, "a routed task").ContinueWith(t => t.Result.task);
        var done = await Eventually.Until(() => researcher.GetFromJsonAsync<JsonObject>($"/ga4gh/tes/v1/tasks/{id}"),
            t => t!["state"]!.GetValue<string>() is "COMPLETE" or "SYSTEM_ERROR" or "EXECUTOR_ERROR", Deadline, "the task to end");
        Assert.Equal("COMPLETE", done!["state"]!.GetValue<string>());
        return id;
    }

    private static async Task<JsonObject> CrossCheck(HttpClient auditor)
    {
        using var response = await auditor.GetAsync($"/api/audit/nodes/{Node}/cross-check");
        return response.StatusCode == HttpStatusCode.NotFound
            ? new JsonObject { ["matched"] = -1, ["divergences"] = new JsonArray() }
            : (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private sealed record LocalEntry(long Sequence, string TaskId, string Dataset, string State, string? ResultHash, string? VisaHash);

    /// <summary>The node's own chain, read from its database (the node serves nothing inbound).</summary>
    private static async Task<List<LocalEntry>> NodeChain(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT sequence, task_id, dataset, state, result_hash, visa_hash FROM node_audit_entries ORDER BY sequence", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var entries = new List<LocalEntry>();
        while (await reader.ReadAsync())
            entries.Add(new LocalEntry(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        return entries;
    }
}
