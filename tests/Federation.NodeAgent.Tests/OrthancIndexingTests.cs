using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Federation.Testing;
using Xunit;

namespace Federation.NodeAgent.Tests;

/// <summary>
/// Two hospitals, each with its own real Orthanc and its own node agent (its own process-like host and
/// database), publishing to one catalogue over a real RabbitMQ: images present before the agent started,
/// images arriving later, a patient deleted in the PACS, and a subject's consent withdrawal all show in the catalogue's counts.
/// </summary>
public sealed class OrthancIndexingTests(Infrastructure infrastructure) : IClassFixture<Infrastructure>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Node_agents_index_their_orthanc_and_keep_the_catalogue_current_as_images_arrive_are_deleted_and_consent_is_withdrawn()
    {
        await using var orthancA = await OrthancServer.Start("hospital-a");
        await using var orthancB = await OrthancServer.Start("hospital-b");
        await orthancA.AddCohort(OrthancServer.Cohort("A-", patients: 6, 1, 2, 2, "CT", "CHEST", "LUNG", seed: 1));
        await orthancB.AddCohort(OrthancServer.Cohort("B-", patients: 3, 1, 1, 3, "MR", "BRAIN", "GLIO", seed: 2));

        var central = await infrastructure.SettingsFor("nodes_central", "discovery", "audit", "consent", "identity", "node-agent");
        central["Federation__Identity__SeedDemo"] = "true";
        await using var hostA = await NodeHosts.Start("discovery,audit,consent,node-agent", central,
            "node-a", "hospital-a", orthancA.Url, "a-lung", "LUNG", "Lung CT, hospital A");
        await using var hostB = await NodeHosts.Start("node-agent", infrastructure.OwnStores(central, "b"),
            "node-b", "hospital-b", orthancB.Url, "b-glioma", "GLIO", "Glioma MR, hospital B");
        using var researcher = await hostA.SignIn("researcher");

        var lung = await Dataset(researcher, "a-lung", d => d["instances"]!.GetValue<long>() == 24);
        Assert.Equal((6, 6, 12), (lung["subjects"]!.GetValue<int>(), lung["studies"]!.GetValue<int>(), lung["series"]!.GetValue<int>()));
        Assert.Equal(("node-a", "hospital-a", "CT", "CHEST"), (lung["node"]!.GetValue<string>(), lung["dataHolder"]!.GetValue<string>(),
            lung["modalities"]![0]!.GetValue<string>(), lung["bodyParts"]![0]!.GetValue<string>()));
        Assert.True(lung["sizeBytes"]!.GetValue<long>() > 0);
        var glioma = await Dataset(researcher, "b-glioma", d => d["instances"]!.GetValue<long>() == 9);
        Assert.Equal(3, glioma["subjects"]!.GetValue<int>());
        Assert.All(glioma["sex"]!.AsArray().Concat(glioma["ageAtStudy"]!.AsArray()), b => Assert.Null(b!["count"])); // 3 subjects: every cell is small

        // Arrivals follow Orthanc's change log; a deleted patient is found by reconciling (Orthanc logs no deletions).
        await orthancB.AddCohort(OrthancServer.Cohort("B2-", patients: 1, 1, 1, 2, "MR", "BRAIN", "GLIO", seed: 3));
        await orthancA.DeletePatient("A-0002");
        glioma = await Dataset(researcher, "b-glioma", d => d["instances"]!.GetValue<long>() == 11);
        lung = await Dataset(researcher, "a-lung", d => d["instances"]!.GetValue<long>() == 20);
        Assert.Equal((4, 5), (glioma["subjects"]!.GetValue<int>(), lung["subjects"]!.GetValue<int>()));

        // A subject withdraws consent: recorded by node A's operator, the subject leaves the dataset's counts.
        var (operatorA, _) = await hostA.SignInNewOperator("op.a", "node-a");
        var (operatorB, _) = await hostA.SignInNewOperator("op.b", "node-b");
        using (var withdrawn = await operatorA.PostAsJsonAsync("/api/consent/datasets/a-lung/withdrawals", new { subjectId = "A-0003", reason = "Letter of 3 Nov" }))
            Assert.Equal(System.Net.HttpStatusCode.Created, withdrawn.StatusCode);
        using (var again = await operatorA.PostAsJsonAsync("/api/consent/datasets/a-lung/withdrawals", new { subjectId = "A-0003" }))
            Assert.Equal(System.Net.HttpStatusCode.OK, again.StatusCode); // never twice
        using (var notTheirs = await operatorB.PostAsJsonAsync("/api/consent/datasets/a-lung/withdrawals", new { subjectId = "A-0004" }))
            Assert.Equal(System.Net.HttpStatusCode.NotFound, notTheirs.StatusCode);
        lung = await Dataset(researcher, "a-lung", d => d["instances"]!.GetValue<long>() == 16);
        Assert.Equal(4, lung["subjects"]!.GetValue<int>());
        using var auditor = await hostA.SignIn("auditor");
        var withdrawals = (await auditor.GetFromJsonAsync<JsonObject>("/api/consent/datasets/a-lung/withdrawals"))!["items"]!.AsArray();
        Assert.Equal(("A-0003", 1), (withdrawals.Single()!["subjectId"]!.GetValue<string>(), withdrawals.Single()!["sequence"]!.GetValue<int>()));
        using (var researcherRead = await researcher.GetAsync("/api/consent/datasets/a-lung/withdrawals"))
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, researcherRead.StatusCode);

        var page = (await researcher.GetFromJsonAsync<JsonObject>("/api/datasets?modality=MR"))!;
        Assert.Equal(["b-glioma"], page["items"]!.AsArray().Select(i => i!["dataset"]!["datasetId"]!.GetValue<string>()));
        // The node's own events for its dataset (the consent role's withdrawal shares the dataset's id): published once, then updated.
        var trail = (await Eventually.Until(() => auditor.AuditTrailOf("a-lung"), t => t.Count(IsDiscovery) >= 3, Deadline, "a-lung's events in the audit trail"))
            .Where(IsDiscovery).OrderBy(e => e["aggregateVersion"]!.GetValue<long>()).ToList();
        Assert.Equal(["DatasetPublished", "DatasetUpdated", "DatasetUpdated"], trail.Select(e => e["eventType"]!.GetValue<string>().Split(':')[^1]));
    }

    private static async Task<JsonObject> Dataset(HttpClient researcher, string id, Func<JsonObject, bool> done)
    {
        var item = await Eventually.Until(async () =>
        {
            using var response = await researcher.GetAsync($"/api/datasets/{id}");
            return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonObject>())!["dataset"]!.AsObject() : null;
        }, d => d is not null && done(d), Deadline, $"dataset {id} in the catalogue");
        return item!;
    }

    private static bool IsDiscovery(JsonObject entry) => entry["eventType"]!.GetValue<string>().Contains(".Discovery:", StringComparison.Ordinal);
}
