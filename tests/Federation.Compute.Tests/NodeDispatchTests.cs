using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Federation.Testing;
using Xunit;

namespace Federation.Compute.Tests;

/// <summary>
/// A task on a dataset, end to end on a real RabbitMQ and PostgreSQL: the researcher is granted access through the
/// access flow, the task is routed at-data to the node holding the dataset, the node checks the researcher's visa
/// itself, computes cohort statistics from its own index and releases only aggregates, and compute adds them up.
/// </summary>
public sealed class NodeDispatchTests(Infrastructure infrastructure) : IClassFixture<Infrastructure>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task An_entitled_task_runs_at_the_node_under_its_visa_and_an_unentitled_one_is_refused()
    {
        var settings = await infrastructure.SettingsFor("dispatch", "compute", "access", "consent", "discovery", "audit", "identity", "node-agent");
        settings["Federation__Identity__SeedDemo"] = "true";
        settings["Federation__Compute__Nodes__SeedDemo"] = "true";
        await using var hub = await InProcessFederation.Start("compute,access,consent,discovery,audit,node-agent", settings.AsArguments());
        using var researcher = await hub.SignIn("researcher");
        using var dac = await hub.SignIn("dac");
        await Eventually.Until(() => researcher.GetFromJsonAsync<JsonObject>("/api/datasets"), p => p!["total"]!.GetValue<int>() == 2, Deadline,
            "the demo node's two datasets in the catalogue");

        // Access to the lung CT dataset through the access flow: request, consent check, the holder's committee approves.
        using (var draft = await researcher.PostAsJsonAsync("/api/access-requests",
                   new { title = "Lung CT cohort statistics", datasetIds = new[] { "demo-lung-ct" }, purposeTerms = new { purposes = new[] { "DUO:0000037" } } }))
        {
            var requestId = (await draft.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
            await researcher.Submit(requestId);
            await Eventually.Until(() => researcher.GetFromJsonAsync<JsonObject>($"/api/access-requests/{requestId}"),
                r => r!["datasets"]![0]!["consentCheck"] is not null, Deadline, "the consent check");
            using var vote = await dac.PostAsJsonAsync($"/api/access-requests/{requestId}/datasets/demo-lung-ct/votes", new { decision = "approve" });
            Assert.Equal(HttpStatusCode.OK, vote.StatusCode);
        }

        var task = await Eventually.Until(async () =>
            {
                var id = await Create(researcher, "demo-lung-ct");
                return (id, decision: (await researcher.GetFromJsonAsync<JsonObject>($"/api/routing/{id}"))!);
            }, r => r.decision["routed"]!.GetValue<bool>(), Deadline, "a task routed once the entitlement and the node's heartbeat are known");
        Assert.Equal(("at-data", "node-demo"), (task.decision["kind"]!.GetValue<string>(), task.decision["plan"]![0]!["location"]!.GetValue<string>()));
        var done = await Eventually.Until(() => researcher.GetFromJsonAsync<JsonObject>($"/ga4gh/tes/v1/tasks/{task.id}?view=FULL"),
            t => t!["state"]!.GetValue<string>() is "COMPLETE" or "SYSTEM_ERROR" or "EXECUTOR_ERROR", Deadline, "the task finished");
        Assert.True(done!["state"]!.GetValue<string>() == "COMPLETE", done.ToJsonString());
        var result = JsonNode.Parse(done["logs"]![0]!["metadata"]!["federation.result"]!.GetValue<string>())!;
        Assert.Equal(40, result["subjects"]!.GetValue<int>()); // the demo lung CT cohort, counted at the node
        Assert.All(result["sex"]!.AsArray(), b => Assert.True(b!["count"] is null || b["count"]!.GetValue<int>() >= 5));
        Assert.DoesNotContain("PatientID", done.ToJsonString()); // aggregates only left the node

        // Federated training on the demo node's synthetic images (their brightness follows their label): the rounds run
        // at the node, and only weights, sums and counts come back.
        var training = await Create(researcher, "demo-lung-ct", "builtin:federated-logistic-regression");
        var trained = await Eventually.Until(() => researcher.GetFromJsonAsync<JsonObject>($"/ga4gh/tes/v1/tasks/{training}?view=FULL"),
            t => t!["state"]!.GetValue<string>() is "COMPLETE" or "SYSTEM_ERROR" or "EXECUTOR_ERROR", Deadline, "the training finished");
        Assert.True(trained!["state"]!.GetValue<string>() == "COMPLETE", trained.ToJsonString());
        var model = JsonNode.Parse(trained["logs"]![0]!["metadata"]!["federation.result"]!.GetValue<string>())!;
        Assert.Equal(5, model["history"]!.AsArray().Count);
        Assert.Equal(7, model["weights"]!.AsArray().Count);
        Assert.True(model["heldOut"]!.GetValue<int>() >= 5 && model["accuracy"]!.GetValue<double>() >= 0.75, model.ToJsonString());
        Assert.DoesNotContain("study", model.ToJsonString(), StringComparison.OrdinalIgnoreCase);

        // The mammography dataset was never granted: refused by the router, with the rule and the way to pass.
        var refused = await Create(researcher, "demo-breast-mg");
        var failed = await Eventually.Until(() => researcher.GetFromJsonAsync<JsonObject>($"/ga4gh/tes/v1/tasks/{refused}?view=FULL"),
            t => t!["state"]!.GetValue<string>() == "SYSTEM_ERROR", Deadline, "the unentitled task refused");
        Assert.Contains(failed!["logs"]![0]!["system_logs"]!.AsArray(), l => l!.GetValue<string>().Contains("rule entitlement"));
    }

    private static async Task<string> Create(HttpClient researcher, string dataset, string algorithm = "builtin:cohort-statistics")
    {
        var json = $$"""
            { "name": "{{algorithm}} on {{dataset}}",
              "inputs": [{ "url": "federation://datasets/{{dataset}}", "path": "/data/{{dataset}}" }],
              "executors": [{ "image": "{{algorithm}}", "command": ["run"] }] }
            """;
        using var response = await researcher.PostAsync("/ga4gh/tes/v1/tasks", new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }
}
