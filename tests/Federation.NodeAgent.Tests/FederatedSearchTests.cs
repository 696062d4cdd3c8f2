using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Federation.Testing;
using Xunit;

namespace Federation.NodeAgent.Tests;

/// <summary>
/// Federated search over three hospitals, each a real Orthanc with its own node agent, on a real RabbitMQ:
/// merged counts computed at the nodes, a small cell withheld, answers graded by the caller's rights, and a
/// stopped node named as not answering.
/// </summary>
public sealed class FederatedSearchTests(Infrastructure infrastructure) : IClassFixture<Infrastructure>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Three_nodes_answer_a_federated_count_with_small_cells_withheld_and_a_stopped_node_named()
    {
        await using var orthancA = await OrthancServer.Start("hospital-a");
        await using var orthancB = await OrthancServer.Start("hospital-b");
        await using var orthancC = await OrthancServer.Start("hospital-c");
        await orthancA.AddCohort(OrthancServer.Cohort("A-", patients: 8, 1, 1, 2, "CT", "CHEST", "LUNG", seed: 11));
        await orthancB.AddCohort(OrthancServer.Cohort("B-", patients: 3, 1, 1, 2, "CT", "CHEST", "LUNG", seed: 12));
        await orthancC.AddCohort(OrthancServer.Cohort("C-", patients: 6, 1, 1, 2, "MR", "BRAIN", "GLIO", seed: 13));

        var central = await infrastructure.SettingsFor("search_central", "discovery", "identity", "node-agent", "access", "consent", "audit");
        central["Federation__Identity__SeedDemo"] = "true";
        central["Federation__Discovery__SearchDeadline"] = "00:00:03";
        // The audit role takes every event, so that none waits unrouted in an outbox (holding back the later events of its aggregate).
        await using var hostA = await NodeHosts.Start("discovery,node-agent,access,consent,audit",
            central, "node-a", "holder-of-node-a", orthancA.Url, "a-lung", "LUNG", "Dataset a-lung");
        var hostB = await NodeHosts.Start("node-agent", infrastructure.OwnStores(central, "b"), "node-b", "holder-of-node-b", orthancB.Url, "b-lung", "LUNG", "Dataset b-lung");
        var hostC = await NodeHosts.Start("node-agent", infrastructure.OwnStores(central, "c"), "node-c", "holder-of-node-c", orthancC.Url, "c-glioma", "GLIO", "Dataset c-glioma");
        await using var _ = hostB;
        using var researcher = await hostA.SignIn("researcher");
        await Eventually.Until(() => researcher.GetFromJsonAsync<JsonObject>("/api/datasets"), p => p!["total"]!.GetValue<int>() == 3, Deadline,
            "the three nodes' datasets in the catalogue");

        var counted = await Search(researcher, new { modality = "CT" });
        Assert.Equal(("count", true, 8, true), (counted["granularity"]!.GetValue<string>(), counted["exists"]!.GetValue<bool>(),
            counted["subjects"]!.GetValue<int>(), counted["subjectsIsLowerBound"]!.GetValue<bool>()));
        Assert.Equal(["node-a", "node-b", "node-c"], Names(counted["nodes"]!["answered"]!));
        var byDataset = counted["datasets"]!.AsArray().ToDictionary(d => d!["datasetId"]!.GetValue<string>(), d => d!);
        Assert.Equal(8, byDataset["a-lung"]["subjects"]!.GetValue<int>());
        Assert.Equal((true, null), (byDataset["b-lung"]["exists"]!.GetValue<bool>(), byDataset["b-lung"]["subjects"]?.GetValue<int>())); // 3 < 5: withheld
        Assert.Equal((false, 0), (byDataset["c-glioma"]["exists"]!.GetValue<bool>(), byDataset["c-glioma"]["subjects"]!.GetValue<int>()));
        Assert.Null(byDataset["a-lung"]["sex"]); // distributions only for entitled callers

        var anonymous = await Search(hostA.Client, new { modality = "MR", bodyPart = "BRAIN" });
        Assert.Equal(("boolean", true), (anonymous["granularity"]!.GetValue<string>(), anonymous["exists"]!.GetValue<bool>()));
        Assert.Null(anonymous["subjects"]);
        Assert.All(anonymous["datasets"]!.AsArray(), d => Assert.Null(d!["subjects"]));

        // Who asked what, and how much they saw, is in the audit trail (the counts are not).
        using var auditor = await hostA.SignIn("auditor");
        var asked = (await Eventually.Until(() => auditor.AuditTrailOf(counted["queryId"]!.GetValue<Guid>()), t => t.Count == 1, Deadline,
            "the researcher's search in the audit trail")).Single();
        var anonymousAsked = (await Eventually.Until(() => auditor.AuditTrailOf(anonymous["queryId"]!.GetValue<Guid>()), t => t.Count == 1, Deadline,
            "the anonymous search in the audit trail")).Single();
        Assert.Equal(("user", "researcher", "CT", "count"), (asked["actorKind"]!.GetValue<string>(), asked["actorRole"]!.GetValue<string>(),
            asked["event"]!["filter"]!["modality"]!.GetValue<string>(), asked["event"]!["granularity"]!.GetValue<string>()));
        Assert.Equal(["node-a", "node-b", "node-c"], Names(asked["event"]!["nodesAnswered"]!));
        Assert.Null(asked["event"]!["subjects"]);
        Assert.Equal(("anonymous", "boolean", "BRAIN"), (anonymousAsked["actor"]!.GetValue<string>(),
            anonymousAsked["event"]!["granularity"]!.GetValue<string>(), anonymousAsked["event"]!["filter"]!["bodyPart"]!.GetValue<string>()));

        using var beacon = await researcher.PostAsJsonAsync("/api/beacon/individuals", new { query = new { filters = new[] { new { id = "modality:MR" } } } });
        var beaconBody = (await beacon.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(("count", 6), (beaconBody["meta"]!["returnedGranularity"]!.GetValue<string>(), beaconBody["responseSummary"]!["numTotalResults"]!.GetValue<int>()));
        using var badBeacon = await researcher.PostAsJsonAsync("/api/beacon/individuals", new { query = new { filters = new[] { new { id = "colour:blue" } } } });
        Assert.Equal(HttpStatusCode.BadRequest, badBeacon.StatusCode);

        // Entitled to a-lung (request → holder's approval → entitlement): the researcher now sees its distributions, and only its.
        var (dac, _) = await hostA.SignInNewAccount("dac.search", "dac-member", "holder-of-node-a");
        using var draft = await researcher.PostAsJsonAsync("/api/access-requests",
            new { title = "Lung CT counts", datasetIds = new[] { "a-lung" }, purposeTerms = new { purposes = new[] { "DUO:0000037" } } });
        var requestId = (await draft.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        await researcher.Submit(requestId);
        await Eventually.Until(() => researcher.GetFromJsonAsync<JsonObject>($"/api/access-requests/{requestId}"),
            r => r!["datasets"]![0]!["consentCheck"] is not null, Deadline, "the consent check naming a-lung's holder");
        using (var vote = await dac.PostAsJsonAsync($"/api/access-requests/{requestId}/datasets/a-lung/votes", new { decision = "approve" }))
            Assert.Equal(HttpStatusCode.OK, vote.StatusCode);
        var entitled = await Eventually.Until(() => Search(researcher, new { modality = "CT" }),
            r => r["datasets"]!.AsArray().Any(d => d!["granularity"]!.GetValue<string>() == "aggregated"), Deadline, "search results graded by the entitlement");
        var graded = entitled["datasets"]!.AsArray().ToDictionary(d => d!["datasetId"]!.GetValue<string>(), d => d!);
        Assert.Equal(("aggregated", "count"), (graded["a-lung"]["granularity"]!.GetValue<string>(), graded["b-lung"]["granularity"]!.GetValue<string>()));
        Assert.NotEmpty(graded["a-lung"]["sex"]!.AsArray());
        Assert.All(graded["a-lung"]["sex"]!.AsArray(), b => Assert.True(b!["count"] is null || b["count"]!.GetValue<int>() >= 5));
        Assert.NotEmpty(graded["a-lung"]["ageAtStudy"]!.AsArray());

        await hostC.DisposeAsync();
        var partial = await Search(researcher, new { modality = "CT" });
        Assert.True(partial["partial"]!.GetValue<bool>());
        Assert.Equal(["node-c"], Names(partial["nodes"]!["notAnswering"]!));
        Assert.Equal(8, partial["subjects"]!.GetValue<int>());
    }

    private static async Task<JsonObject> Search(HttpClient client, object filter)
    {
        using var response = await client.PostAsJsonAsync("/api/search", filter);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static List<string> Names(JsonNode array) => array.AsArray().Select(n => n!.GetValue<string>()).ToList();
}
