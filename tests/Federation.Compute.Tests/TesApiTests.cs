using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Federation.Contracts;
using Federation.Contracts.Access;
using Federation.Contracts.Compute;
using Federation.Contracts.Discovery;
using Federation.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Federation.Compute.Tests;

/// <summary>
/// The TES API on a real RabbitMQ and PostgreSQL: a plain TES 1.1 client (JSON written by hand, no federation
/// extension) runs the central process executor and reads its logs; failures, cancellation and refusals end in the
/// TES states a client expects; a task on a dataset is routed by the researcher's entitlement and stopped when it ends.
/// </summary>
public sealed class TesApiTests(Infrastructure infrastructure) : IClassFixture<Infrastructure>, IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private InProcessFederation hub = null!;
    private HttpClient researcher = null!;

    public async Task InitializeAsync()
    {
        var settings = await infrastructure.SettingsFor("tes", "compute", "audit", "identity");
        settings["Federation__Identity__SeedDemo"] = "true";
        settings["Federation__Compute__Nodes__SeedDemo"] = "true";
        settings["Federation__Compute__Central__ProcessImages__0"] = "alpine";
        settings["Federation__Compute__Nodes__OfflineAfter"] = "00:00:04";
        settings["Federation__Compute__Nodes__LivenessPoll"] = "00:00:00.250";
        hub = await InProcessFederation.Start("compute,audit", settings.AsArguments());
        researcher = await hub.SignIn("researcher");
    }

    public async Task DisposeAsync()
    {
        researcher.Dispose();
        await hub.DisposeAsync();
    }

    [Fact]
    public async Task A_plain_TES_client_runs_a_task_and_reads_its_logs_in_each_view()
    {
        using (var info = await hub.Client.GetAsync("/ga4gh/tes/v1/service-info"))
        {
            var body = (await info.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal(("org.ga4gh", "tes", "1.1.0"), (body["type"]!["group"]!.GetValue<string>(), body["type"]!["artifact"]!.GetValue<string>(),
                body["type"]!["version"]!.GetValue<string>()));
        }

        var id = await Create("""
            {
              "name": "hello",
              "inputs": [{ "name": "greeting", "path": "/inputs/greeting.txt", "content": "hello TES", "type": "FILE" }],
              "outputs": [{ "name": "copy", "path": "/outputs/copy.txt", "url": "s3://bucket/copy.txt", "type": "FILE" }],
              "resources": { "cpu_cores": 1, "ram_gb": 0.5, "preemptible": false },
              "executors": [
                { "image": "alpine", "command": ["/bin/sh", "-c", "mkdir -p outputs && cat inputs/greeting.txt | tee outputs/copy.txt; echo oops >&2"],
                  "env": { "GREETING": "x" } }
              ],
              "tags": { "project": "smoke" }
            }
            """);
        var full = await WaitFor(id, "COMPLETE");
        var log = full["logs"]![0]!;
        var executor = log["logs"]![0]!;
        Assert.Equal((0, "hello TES", "oops\n"), (executor["exit_code"]!.GetValue<int>(), executor["stdout"]!.GetValue<string>(), executor["stderr"]!.GetValue<string>()));
        Assert.Equal(("/outputs/copy.txt", "9"), (log["outputs"]![0]!["path"]!.GetValue<string>(), log["outputs"]![0]!["size_bytes"]!.GetValue<string>()));
        Assert.Contains(log["system_logs"]!.AsArray(), l => l!.GetValue<string>().Contains("routed central"));
        Assert.Equal("hello TES", full["inputs"]![0]!["content"]!.GetValue<string>());
        Assert.Equal("smoke", full["tags"]!["project"]!.GetValue<string>());

        var minimal = (await researcher.GetFromJsonAsync<JsonObject>($"/ga4gh/tes/v1/tasks/{id}"))!;
        Assert.Equal(["id", "state"], minimal.Select(p => p.Key).Order());
        var basic = (await researcher.GetFromJsonAsync<JsonObject>($"/ga4gh/tes/v1/tasks/{id}?view=BASIC"))!;
        Assert.Null(basic["logs"]![0]!["logs"]![0]!["stdout"]);
        Assert.Null(basic["inputs"]![0]!["content"]);
        var list = (await researcher.GetFromJsonAsync<JsonObject>("/ga4gh/tes/v1/tasks?name_prefix=hel&view=MINIMAL"))!;
        Assert.Contains(list["tasks"]!.AsArray(), t => t!["id"]!.GetValue<string>() == id);

        using var other = await hub.SignIn("researcher2");
        using (var foreign = await other.GetAsync($"/ga4gh/tes/v1/tasks/{id}"))
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        using (var badView = await researcher.GetAsync($"/ga4gh/tes/v1/tasks/{id}?view=EVERYTHING"))
            Assert.Equal(HttpStatusCode.BadRequest, badView.StatusCode);
        using (var noExecutors = await researcher.PostAsync("/ga4gh/tes/v1/tasks", new StringContent("""{ "name": "empty" }""", Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.BadRequest, noExecutors.StatusCode);
    }

    [Fact]
    public async Task A_failing_executor_a_forbidden_image_and_a_cancel_end_in_their_TES_states()
    {
        var failing = await Create("""{ "executors": [{ "image": "alpine", "command": ["/bin/sh", "-c", "echo broken >&2; exit 3"] }] }""");
        var forbidden = await Create("""{ "executors": [{ "image": "ubuntu:latest", "command": ["true"] }] }""");
        var sleeping = await Create("""{ "name": "long", "executors": [{ "image": "alpine", "command": ["sleep", "60"] }] }""");

        Assert.Equal(3, (await WaitFor(failing, "EXECUTOR_ERROR"))["logs"]![0]!["logs"]![0]!["exit_code"]!.GetValue<int>());
        Assert.Contains((await WaitFor(forbidden, "SYSTEM_ERROR"))["logs"]![0]!["system_logs"]!.AsArray(), l => l!.GetValue<string>().Contains("runs no 'ubuntu:latest'"));
        await WaitFor(sleeping, "RUNNING");
        using (var cancel = await researcher.PostAsync($"/ga4gh/tes/v1/tasks/{sleeping}:cancel", null))
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        await WaitFor(sleeping, "CANCELED");

        // Every state change is an event: the audit trail of the task shows the lifecycle in order.
        using var auditor = await hub.SignIn("auditor");
        var trail = await Eventually.Until(() => auditor.AuditTrailOf(sleeping), t => t.Count >= 6, Deadline, "the canceled task's trail");
        var states = trail.Where(e => e["eventType"]!.GetValue<string>().EndsWith("TaskStateChanged", StringComparison.Ordinal))
            .OrderBy(e => e["aggregateVersion"]!.GetValue<long>()).Select(e => e["event"]!["state"]!.GetValue<string>());
        Assert.Equal(["INITIALIZING", "RUNNING", "CANCELING", "CANCELED"], states);
    }

    [Fact]
    public async Task A_task_on_a_dataset_runs_only_under_an_entitlement_and_stops_when_it_is_revoked()
    {
        var subject = (await researcher.GetFromJsonAsync<JsonObject>("/api/identity/me"))!["subject"]!.GetValue<string>();
        var bus = hub.Services.GetRequiredService<IBus>();
        var task = $$"""
            { "name": "stats", "inputs": [{ "url": "federation://datasets/ds-tes", "path": "/data/ds-tes" }],
              "executors": [{ "image": "builtin:cohort-statistics", "command": ["cohort-statistics"] }],
              "resources": { "backend_parameters": { "federation.placement": "at-data" } } }
            """;

        // The demo node is enrolled; it stays online (a stand-in beats for it) and holds the dataset.
        await using var node = Beating(bus);
        await bus.Publish(Stamped(new DatasetPublished { Dataset = Description("ds-tes", "node-demo") }, "ds-tes"));
        await Eventually.Until(async () =>
            {
                var refused = await Create(task);
                var decision = (await researcher.GetFromJsonAsync<JsonObject>($"/api/routing/{refused}"))!;
                return decision["refusal"]?["rule"]?.GetValue<string>();
            }, rule => rule == "entitlement", Deadline, "a refusal for want of an entitlement (once the node and dataset are known)");
        var refusedTask = await Create(task);
        var failed = await WaitFor(refusedTask, "SYSTEM_ERROR");
        Assert.Contains(failed["logs"]![0]!["system_logs"]!.AsArray(), l => l!.GetValue<string>().Contains("rule entitlement") && l.GetValue<string>().Contains("access request"));

        var entitlement = Guid.NewGuid();
        await bus.Publish(Stamped(new EntitlementGranted
        {
            EntitlementId = entitlement, RequestId = Guid.NewGuid(), Subject = subject, DatasetId = "ds-tes", DataHolder = "hospital-a",
            Start = DateTimeOffset.UtcNow.AddMinutes(-1), End = DateTimeOffset.UtcNow.AddDays(30),
        }, entitlement.ToString()));
        var routed = await Eventually.Until(async () =>
            {
                var id = await Create(task);
                return (id, decision: (await researcher.GetFromJsonAsync<JsonObject>($"/api/routing/{id}"))!);
            }, r => r.decision["routed"]!.GetValue<bool>(), Deadline, "a task routed once the entitlement is known");
        Assert.Equal(("at-data", "node-demo"), (routed.decision["kind"]!.GetValue<string>(), routed.decision["plan"]![0]!["location"]!.GetValue<string>()));
        // Sent to the node (none runs in this test: the part stays open), then stopped by the revocation.
        Assert.Equal("RUNNING", (await researcher.GetFromJsonAsync<JsonObject>($"/ga4gh/tes/v1/tasks/{routed.id}"))!["state"]!.GetValue<string>());

        await bus.Publish(Stamped(new EntitlementRevoked
        {
            EntitlementId = entitlement, RequestId = Guid.NewGuid(), Subject = subject, DatasetId = "ds-tes", DataHolder = "hospital-a",
            Reason = "the committee withdrew its approval", RevokedAt = DateTimeOffset.UtcNow,
        }, entitlement.ToString()));
        var canceled = await WaitFor(routed.id, "CANCELED");
        Assert.Contains(canceled["logs"]![0]!["system_logs"]!.AsArray(), l => l!.GetValue<string>().Contains("revoked"));
    }

    [Fact]
    public async Task A_node_that_goes_silent_fails_its_part_and_the_task()
    {
        var subject = (await researcher.GetFromJsonAsync<JsonObject>("/api/identity/me"))!["subject"]!.GetValue<string>();
        var bus = hub.Services.GetRequiredService<IBus>();
        var entitlement = Guid.NewGuid();
        await bus.Publish(Stamped(new DatasetPublished { Dataset = Description("ds-silent", "node-demo") }, "ds-silent"));
        await bus.Publish(Stamped(new EntitlementGranted
        {
            EntitlementId = entitlement, RequestId = Guid.NewGuid(), Subject = subject, DatasetId = "ds-silent", DataHolder = "hospital-a",
            Start = DateTimeOffset.UtcNow.AddMinutes(-1), End = DateTimeOffset.UtcNow.AddDays(30),
        }, entitlement.ToString()));
        const string task = """{ "inputs": [{ "url": "federation://datasets/ds-silent", "path": "/data" }], "executors": [{ "image": "builtin:cohort-statistics", "command": ["stats"] }] }""";
        string running;
        await using (Beating(bus))
        {
            running = (await Eventually.Until(async () =>
                {
                    var id = await Create(task);
                    return (id, state: (await researcher.GetFromJsonAsync<JsonObject>($"/ga4gh/tes/v1/tasks/{id}"))!["state"]!.GetValue<string>());
                }, r => r.state == "RUNNING", Deadline, "a task sent to the node")).id;
        }
        // The beats stop: after OfflineAfter (4 s) the node is offline and its open part fails the task.
        var failed = await WaitFor(running, "SYSTEM_ERROR");
        Assert.Contains(failed["logs"]![0]!["system_logs"]!.AsArray(), l => l!.GetValue<string>().Contains("went silent"));
    }

    /// <summary>Heartbeats for the demo node every half second until disposed: a node agent's stand-in where a test needs the node online.</summary>
    private static AsyncDisposableAction Beating(IBus bus)
    {
        var stop = new CancellationTokenSource();
        var loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
            try
            {
                do
                    await bus.Publish(new NodeHeartbeat { Node = "node-demo", SentAt = DateTimeOffset.UtcNow, Capabilities = new NodeCapabilities(8, 16L << 30, 0, 0, 1_000_000_000), QueueLength = 0 });
                while (await timer.WaitForNextTickAsync(stop.Token));
            }
            catch (OperationCanceledException)
            {
                // stopped
            }
        });
        return new AsyncDisposableAction(async () =>
        {
            await stop.CancelAsync();
            await loop;
            stop.Dispose();
        });
    }

    private sealed class AsyncDisposableAction(Func<Task> action) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await action();
    }

    private async Task<string> Create(string json)
    {
        using var response = await researcher.PostAsync("/ga4gh/tes/v1/tasks", new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    private Task<JsonObject> WaitFor(string id, string state) =>
        Eventually.Until(async () => (await researcher.GetFromJsonAsync<JsonObject>($"/ga4gh/tes/v1/tasks/{id}?view=FULL"))!,
            t => t["state"]!.GetValue<string>() == state, Deadline, $"task {id} {state}");

    private static T Stamped<T>(T evt, string aggregate) where T : FederationEvent =>
        evt with { EventId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow, AggregateId = aggregate, AggregateVersion = 1, Actor = Actor.System, CorrelationId = Guid.NewGuid() };

    private static DatasetDescription Description(string id, string node) => new(id, "A dataset", null, "hospital-a", node, "DE", "C34", "Lung", ["CHEST"], ["CT"],
        40, 40, 80, 320, 5L << 30, [], [], 2020, 2024, "controlled", $"/api/consent/datasets/{id}/conditions", $"urn:federation:dataset:{id}");
}
