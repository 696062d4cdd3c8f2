using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Federation.Algorithms;
using Federation.NodeAgent.Images;
using Federation.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Federation.Compute.Tests;

/// <summary>
/// Federated training end to end, across processes: three hospitals, each a real Orthanc with its own labelled
/// cohort and a node agent in its own process with its own database, beside a central federation (identity, access,
/// consent, discovery, compute, audit) on a real RabbitMQ and PostgreSQL. The researcher is granted the three datasets
/// through the access flow; the router places the training at the data; five FedAvg rounds run; the federated
/// model's held-out accuracy is compared with the same model trained centrally on the pooled data (computed here,
/// from the same PACS, with the same code). Around it: a refusal without entitlement, a central placement refused for
/// an institution-bound dataset, a researcher's script run at hospital A by the process executor with its result held
/// at A's airlock until A's operator releases it (or withholds it; a result naming a subject never gets that far),
/// and an entitlement revoked mid-training that cancels the task.
/// </summary>
public sealed class FederatedTrainingTests(Infrastructure infrastructure, ITestOutputHelper output) : IClassFixture<Infrastructure>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);
    private const string Institution = "Universitair Medisch Centrum";

    private sealed record Hospital(string Node, string Holder, string Dataset, string Collection, int Patients, int Brightness, int Seed);

    private static readonly Hospital[] Hospitals =
    [
        new("node-a", "hospital-a", "a-lung", "LUNG-A", 260, 0, 11),
        new("node-b", "hospital-b", "b-lung", "LUNG-B", 220, 6, 12),
        new("node-c", "hospital-c", "c-lung", "LUNG-C", 180, -6, 13),
    ];

    [Fact]
    public async Task Three_hospitals_train_by_FedAvg_as_well_as_centrally_run_code_behind_their_airlocks_and_the_routing_rules_hold()
    {
        var pacs = await Task.WhenAll(Hospitals.Select(async h =>
        {
            var orthanc = await OrthancServer.Start(h.Holder);
            await orthanc.AddCohort(LabelledCohort(h));
            return orthanc;
        }));
        await using var disposeOrthancs = new Disposables(pacs);
        var settings = await infrastructure.SettingsFor("training", "compute", "access", "consent", "discovery", "audit", "identity");
        settings["Federation__Identity__SeedDemo"] = "true";
        settings["Federation__Security__WritesPerSecond"] = "1000000";
        settings["Federation__Compute__Central__ProcessImages__0"] = "alpine"; // the central node runs the image too
        settings["Federation__Compute__Nodes__OfflineAfter"] = "00:00:10"; // a killed node is noticed within seconds
        settings["Federation__Compute__Nodes__LivenessPoll"] = "00:00:01";
        await using var hub = await InProcessFederation.Start("compute,access,consent,discovery,audit", settings.AsArguments());
        var nodes = await Task.WhenAll(Hospitals.Select((h, i) => HostProcess.Start("node-agent", NodeSettings(settings, hub, h, pacs[i]))));
        await using var disposeNodes = new Disposables(nodes);

        using var admin = await hub.SignIn("admin");
        using var researcher = await hub.SignIn("researcher");
        var dacs = new Dictionary<string, HttpClient>();
        var operators = new Dictionary<string, HttpClient>();
        foreach (var h in Hospitals)
        {
            operators[h.Node] = (await hub.SignInNewOperator($"op.{h.Node}", h.Node)).Client;
            using (var asked = await operators[h.Node].PostAsJsonAsync("/api/nodes", Profile(h)))
                Assert.Equal(HttpStatusCode.Created, asked.StatusCode);
            using (var approved = await admin.PostAsync($"/api/nodes/{h.Node}/approve", null))
                Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
            dacs[h.Holder] = (await hub.SignInNewAccount($"dac.{h.Holder}", "dac-member", h.Holder)).Client;
        }
        // Hospital C's consent keeps its data within the institution (DUO IS): it may never be copied to the central node.
        using (var conditions = await dacs["hospital-c"].PutAsJsonAsync("/api/consent/datasets/c-lung/conditions", new
               {
                   dataHolder = "hospital-c", permission = "DUO:0000042", modifiers = new object[] { new { id = "DUO:0000028", values = new[] { Institution } } },
               }))
            Assert.True(conditions.IsSuccessStatusCode, await conditions.Content.ReadAsStringAsync());

        await Eventually.Until(() => researcher.GetFromJsonAsync<JsonObject>("/api/nodes"),
            page => Hospitals.All(h => page!["items"]!.AsArray().Any(n => n!["node"]!.GetValue<string>() == h.Node && n["liveness"]!.GetValue<string>() == "online")),
            Deadline, "the three nodes approved and online");
        await Eventually.Until(() => researcher.GetFromJsonAsync<JsonObject>("/api/datasets"), p => p!["total"]!.GetValue<int>() == 3, Deadline,
            "the three datasets in the catalogue");

        // Without an entitlement: refused, naming the rule and the way to pass.
        // (Compute learns of the datasets from the same events as the catalogue, so it may lag a moment: asked again until it knows them.)
        var refused = await Eventually.Until(async () => await Finished(researcher, await Submit(researcher, Training(Hospitals.Select(h => h.Dataset), rounds: 5))),
            t => !SystemLogs(t).Any(l => l.Contains("rule known-dataset")), Deadline, "a task judged once compute knows the datasets");
        Assert.Equal("SYSTEM_ERROR", refused["state"]!.GetValue<string>());
        Assert.Contains(SystemLogs(refused), l => l.Contains("refused by rule entitlement for dataset a-lung"));

        // The access flow: one request for the three datasets, each approved by its own hospital's committee.
        Guid requestId;
        using (var draft = await researcher.PostAsJsonAsync("/api/access-requests", new
               {
                   title = "Nodule malignancy from CT intensity", datasetIds = Hospitals.Select(h => h.Dataset),
                   purposeTerms = new { purposes = new[] { "DUO:0000037" }, institution = Institution },
               }))
        {
            Assert.Equal(HttpStatusCode.Created, draft.StatusCode);
            requestId = (await draft.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        }
        await researcher.Submit(requestId);
        await Eventually.Until(() => researcher.GetFromJsonAsync<JsonObject>($"/api/access-requests/{requestId}"),
            r => r!["datasets"]!.AsArray().All(d => d!["consentCheck"] is not null), Deadline, "the consent checks");
        foreach (var h in Hospitals)
            using (var vote = await dacs[h.Holder].PostAsJsonAsync($"/api/access-requests/{requestId}/datasets/{h.Dataset}/votes", new { decision = "approve" }))
                Assert.True(vote.IsSuccessStatusCode, await vote.Content.ReadAsStringAsync());

        // Central placement of the institution-bound dataset: refused by that rule, whatever else passes.
        var central = await Eventually.Until(async () => await Finished(researcher, await Submit(researcher, CohortStatistics("c-lung", "central"))),
            t => !SystemLogs(t).Any(l => l.Contains("rule entitlement")), Deadline,
            "a central task on c-lung judged once the entitlement is known");
        Assert.Equal("SYSTEM_ERROR", central["state"]!.GetValue<string>());
        Assert.Contains(SystemLogs(central), l => l.Contains("refused by rule consent-institution for dataset c-lung"));

        // Federated training: routed at-data to the three nodes, five rounds, evaluated on each node's held-out studies.
        var taskId = await Submit(researcher, Training(Hospitals.Select(h => h.Dataset), rounds: 5));
        var decision = (await researcher.GetFromJsonAsync<JsonObject>($"/api/routing/{taskId}"))!;
        Assert.Equal("at-data", decision["kind"]!.GetValue<string>());
        Assert.Equal(Hospitals.Select(h => h.Node).Order(), decision["plan"]!.AsArray().Select(p => p!["location"]!.GetValue<string>()).Order());
        Assert.DoesNotContain(decision["plan"]!.AsArray(), p => p!["placement"]!.GetValue<string>() == "central");
        var trained = await Finished(researcher, taskId);
        Assert.True(trained["state"]!.GetValue<string>() == "COMPLETE", trained.ToJsonString());
        var result = JsonNode.Parse(trained["logs"]![0]!["metadata"]!["federation.result"]!.GetValue<string>())!;
        Assert.Equal([1, 2, 3, 4, 5], result["history"]!.AsArray().Select(r => r!["round"]!.GetValue<int>()));
        Assert.DoesNotContain("LUNG-", trained.ToJsonString()); // no patient, study or collection identifier came back

        var (centralAccuracy, heldOut) = await CentralBaseline(pacs, rounds: 5);
        var federatedAccuracy = result["accuracy"]!.GetValue<double>();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"held-out accuracy: federated (5 FedAvg rounds at 3 nodes) {federatedAccuracy:P2}, central (pooled data) {centralAccuracy:P2}, {heldOut} held-out studies"));
        Assert.Equal(heldOut, result["heldOut"]!.GetValue<int>());
        Assert.True(centralAccuracy > 0.7, $"the central baseline learned nothing ({centralAccuracy:P1}): the cohort is not what this test means");
        Assert.True(Math.Abs(federatedAccuracy - centralAccuracy) <= 0.02,
            $"federated {federatedAccuracy:P2} against central {centralAccuracy:P2}: more than 2 percentage points apart");

        // The researcher's own code at hospital A (whose policy allows the image and wants to see its results first):
        // the dataset appears read-only in the working directory, the output waits at A's airlock, A's operator releases it.
        var counting = await Submit(researcher, Process("a-lung", "ls \"$TES_ROOT/data/a-lung\" | wc -l > \"$TES_ROOT/out/count.txt\"; echo counted"));
        await Eventually.Until(() => researcher.GetFromJsonAsync<JsonObject>($"/ga4gh/tes/v1/tasks/{counting}?view=FULL"),
            t => SystemLogs(t!).Any(l => l.Contains("node-a/a-lung: PAUSED")), Deadline, "the result held at node A's airlock");
        var nodeA = Oidc.Bearer(nodes[0].Client.BaseAddress!, operators["node-a"].DefaultRequestHeaders.Authorization!.Parameter!);
        using (var notTheirs = Oidc.Bearer(nodes[0].Client.BaseAddress!, operators["node-b"].DefaultRequestHeaders.Authorization!.Parameter!))
        {
            Assert.Empty((await notTheirs.GetFromJsonAsync<JsonObject>("/api/node/releases"))!["items"]!.AsArray()); // another node's operator sees nothing here
            var held = (await nodeA.GetFromJsonAsync<JsonObject>("/api/node/releases"))!["items"]![0]!["id"]!.GetValue<Guid>();
            using var notTheirsToRelease = await notTheirs.PostAsync($"/api/node/releases/{held}/release", null);
            Assert.Equal(HttpStatusCode.NotFound, notTheirsToRelease.StatusCode);
        }
        var waiting = (await nodeA.GetFromJsonAsync<JsonObject>("/api/node/releases"))!["items"]!.AsArray().Single()!;
        Assert.Equal((counting, "held"), (waiting["taskId"]!.GetValue<string>(), waiting["state"]!.GetValue<string>()));
        Assert.Contains("\"text\":\"260\\n\"", waiting["result"]!.GetValue<string>()); // the operator sees exactly what would leave
        using (var released = await nodeA.PostAsync($"/api/node/releases/{waiting["id"]!.GetValue<Guid>()}/release", null))
            Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        using (var twice = await nodeA.PostAsync($"/api/node/releases/{waiting["id"]!.GetValue<Guid>()}/release", null))
            Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        var counted = await Finished(researcher, counting);
        Assert.True(counted["state"]!.GetValue<string>() == "COMPLETE", counted.ToJsonString());
        Assert.Contains("counted", counted["logs"]![0]!["logs"]![0]!["stdout"]!.GetValue<string>());
        Assert.Equal("/out/count.txt", counted["logs"]![0]!["outputs"]![0]!["path"]!.GetValue<string>());
        Assert.Contains("260", counted["logs"]![0]!["metadata"]!["federation.result"]!.GetValue<string>());

        // Code that prints a subject's identifier is stopped by the automatic check, before any operator sees it.
        var leaking = await Finished(researcher, await Submit(researcher, Process("a-lung", "echo node-a-0001")));
        Assert.Equal("SYSTEM_ERROR", leaking["state"]!.GetValue<string>());
        Assert.Contains(SystemLogs(leaking), l => l.Contains("withheld by node node-a's airlock") && l.Contains("PatientID"));
        // And a result the operator will not let out fails with the operator's reason.
        var withheldTask = await Submit(researcher, Process("a-lung", "echo fine"));
        var second = await Eventually.Until(() => nodeA.GetFromJsonAsync<JsonObject>("/api/node/releases"), l => l!["items"]!.AsArray().Count == 1, Deadline,
            "the second result held");
        using (var withhold = await nodeA.PostAsJsonAsync($"/api/node/releases/{second!["items"]![0]!["id"]!.GetValue<Guid>()}/withhold",
                   new { reason = "Not within the approved purpose" }))
            Assert.Equal(HttpStatusCode.OK, withhold.StatusCode);
        Assert.Contains(SystemLogs(await Finished(researcher, withheldTask)), l => l.Contains("withheld by node node-a's operator: Not within the approved purpose"));

        // A hybrid plan: the same kind of script on a-lung and b-lung. Hospital A runs it at the data; hospital B's
        // policy does not allow the image, so b-lung moves to the central node (node B uploads it, dialling out) and
        // runs there. One task, both results, the moved copy deleted afterwards.
        var hybrid = await Submit(researcher, Process(["a-lung", "b-lung"], "for d in \"$TES_ROOT\"/data/*; do echo \"$(basename \"$d\") $(ls \"$d\" | wc -l)\"; done"));
        var hybridPlan = (await researcher.GetFromJsonAsync<JsonObject>($"/api/routing/{hybrid}"))!;
        Assert.Equal("hybrid", hybridPlan["kind"]!.GetValue<string>());
        Assert.Equal([("a-lung", "at-data", "node-a"), ("b-lung", "central", "central")], hybridPlan["plan"]!.AsArray()
            .Select(p => (p!["dataset"]!.GetValue<string>(), p["placement"]!.GetValue<string>(), p["location"]!.GetValue<string>())).OrderBy(p => p.Item1));
        var third = await Eventually.Until(() => nodeA.GetFromJsonAsync<JsonObject>("/api/node/releases"), l => l!["items"]!.AsArray().Count == 1, Deadline,
            "node A's part of the hybrid task held");
        using (var released = await nodeA.PostAsync($"/api/node/releases/{third!["items"]![0]!["id"]!.GetValue<Guid>()}/release", null))
            Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        var both = await Finished(researcher, hybrid);
        Assert.True(both["state"]!.GetValue<string>() == "COMPLETE", both.ToJsonString());
        var stdout = string.Join("\n", both["logs"]![0]!["logs"]!.AsArray().Select(l => l!["stdout"]!.GetValue<string>()));
        Assert.Contains("a-lung 260", stdout); // at node A
        Assert.Contains("b-lung 220", stdout); // at the central node, on the copy node B sent
        Assert.Contains(SystemLogs(both), l => l.Contains("b-lung (220 files") && l.Contains("from node-b) at the central node"));
        await Eventually.Until(() => Task.FromResult(!Directory.Exists(Path.Combine(hub.DataDirectory, "transfers"))
                || Directory.GetFileSystemEntries(Path.Combine(hub.DataDirectory, "transfers")).Length == 0),
            Deadline, "the moved copy deleted at the central node");
        nodeA.Dispose();

        // Hospital C's agent dies during a training whose policy is to wait: its part pauses, goes out again when C is
        // back, and the model is the same as before (same data, same rounds). With the default policy the task fails, naming C.
        var patient = await Submit(researcher, Training(Hospitals.Select(h => h.Dataset), rounds: 5, onNodeLoss: "wait"));
        await nodes[2].Kill();
        await Eventually.Until(() => researcher.GetFromJsonAsync<JsonObject>($"/ga4gh/tes/v1/tasks/{patient}?view=FULL"),
            t => SystemLogs(t!).Any(l => l.Contains("node-c/c-lung: PAUSED") && l.Contains("went silent")), Deadline, "the part at the silent node paused");
        await nodes[2].Restart();
        var resumed = await Finished(researcher, patient);
        Assert.True(resumed["state"]!.GetValue<string>() == "COMPLETE", resumed.ToJsonString());
        Assert.Contains(SystemLogs(resumed), l => l.Contains("node node-c is back: sent again"));
        Assert.Equal(federatedAccuracy,
            JsonNode.Parse(resumed["logs"]![0]!["metadata"]!["federation.result"]!.GetValue<string>())!["accuracy"]!.GetValue<double>());
        var abandoned = await Submit(researcher, Training(Hospitals.Select(h => h.Dataset), rounds: 5));
        await nodes[2].Kill();
        var failedForSilence = await Finished(researcher, abandoned);
        Assert.Equal("SYSTEM_ERROR", failedForSilence["state"]!.GetValue<string>());
        Assert.Contains(SystemLogs(failedForSilence), l => l.Contains("node node-c went silent before finishing its part"));
        await nodes[2].Restart();
        await Eventually.Until(() => researcher.GetFromJsonAsync<JsonObject>("/api/nodes/node-c"), n => n!["liveness"]!.GetValue<string>() == "online",
            Deadline, "node C back online");

        // A long training; hospital B's committee revokes the entitlement while it runs: the task is canceled.
        var longTask = await Submit(researcher, Training(Hospitals.Select(h => h.Dataset), rounds: 100));
        await Eventually.Until(() => researcher.GetFromJsonAsync<JsonObject>($"/ga4gh/tes/v1/tasks/{longTask}?view=FULL"),
            t => SystemLogs(t!).Any(l => l.Contains("round 1 of 100")), Deadline, "the long training under way");
        var entitlement = (await dacs["hospital-b"].GetFromJsonAsync<JsonObject>("/api/entitlements"))!["items"]!.AsArray()
            .Single(e => e!["datasetId"]!.GetValue<string>() == "b-lung")!;
        using (var revoke = await dacs["hospital-b"].PostAsJsonAsync($"/api/entitlements/{entitlement["id"]!.GetValue<Guid>()}/revoke",
                   new { text = "The ethics approval lapsed" }))
            Assert.True(revoke.IsSuccessStatusCode, await revoke.Content.ReadAsStringAsync());
        var canceled = await Finished(researcher, longTask);
        Assert.Equal("CANCELED", canceled["state"]!.GetValue<string>());
        Assert.Contains(SystemLogs(canceled), l => l.Contains("CANCELED") && l.Contains("b-lung"));
        Assert.DoesNotContain(SystemLogs(canceled), l => l.Contains("round 100 of 100"));
        foreach (var client in dacs.Values.Concat(operators.Values))
            client.Dispose();
    }

    /// <summary>The same features, split and optimiser as the nodes use, on the three cohorts pooled in one place.</summary>
    private static async Task<(double Accuracy, int HeldOut)> CentralBaseline(IReadOnlyList<OrthancServer> pacs, int rounds)
    {
        var settings = FederatedTraining.Read(new Dictionary<string, string> { [FederatedTraining.Keys.Rounds] = rounds.ToString(CultureInfo.InvariantCulture) })
            .Settings!;
        var pooled = new List<(string Study, Example Example)>();
        foreach (var orthanc in pacs)
        {
            var source = new OrthancImageSource(orthanc.Client);
            foreach (var instance in (await orthanc.Client.GetFromJsonAsync<List<string>>("instances"))!)
            {
                var study = (await source.Tag(instance, "StudyInstanceUID", CancellationToken.None))!;
                var label = await source.Tag(instance, settings.LabelTag, CancellationToken.None);
                var pixels = (await source.Pixels(instance, CancellationToken.None))!;
                pooled.Add((study, new Example(StudyFeatures.Of(pixels.Values, pixels.MaxValue), label == settings.LabelPositive)));
            }
        }
        pooled.Sort((a, b) => string.CompareOrdinal(a.Study, b.Study));
        var model = settings.TrainPooled(pooled.Where(p => !HeldOut.Contains(p.Study)).Select(p => p.Example).ToList(), out var scaling);
        var test = pooled.Where(p => HeldOut.Contains(p.Study)).Select(p => scaling.Apply(p.Example)).ToList();
        return ((double)LogisticRegression.Correct(model, test) / test.Count, test.Count);
    }

    /// <summary>
    /// One CT study per patient, labelled "malignant" or "benign" in StudyDescription; a malignant study is brighter on
    /// average, with enough spread between studies that no model gets every one right. Each hospital's scanner adds
    /// its own offset, so the three cohorts are not alike.
    /// </summary>
    private static IEnumerable<SyntheticInstance> LabelledCohort(Hospital h)
    {
        var random = new Random(h.Seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        foreach (var instance in OrthancServer.Cohort($"{h.Node}-", h.Patients, 1, 1, 1, "CT", "CHEST", h.Collection, h.Seed))
        {
            var malignant = random.Next(2) == 0;
            var level = 100 + (malignant ? 24 : 0) + h.Brightness + 14 * Normal();
            var spread = 25 + (malignant ? 8 : 0) + 4 * Normal();
            var pixels = new byte[16 * 16];
            for (var i = 0; i < pixels.Length; i++)
                pixels[i] = (byte)Math.Clamp(Math.Round(level + spread * Normal()), 0, 255);
            yield return instance with { StudyDescription = malignant ? "malignant" : "benign", Image = new GrayscaleImage(16, 16, pixels) };
        }
    }

    private Dictionary<string, string> NodeSettings(IReadOnlyDictionary<string, string> central, InProcessFederation hub, Hospital h, OrthancServer orthanc)
    {
        var own = $"node_{h.Node.Replace('-', '_')}_{Guid.NewGuid():N}";
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__rabbitmq"] = central["ConnectionStrings__rabbitmq"],
            ["ConnectionStrings__node-agent"] = infrastructure.Postgres.ForDatabase(own),
            ["Federation__Security__Authority"] = hub.Client.BaseAddress!.ToString(),
            ["Federation__NodeAgent__Node"] = h.Node,
            ["Federation__NodeAgent__DataHolder"] = h.Holder,
            ["Federation__NodeAgent__Country"] = "NL",
            ["Federation__NodeAgent__Institution"] = $"Hospital {h.Node}",
            ["Federation__NodeAgent__OrthancUrl"] = orthanc.Url.ToString(),
            ["Federation__NodeAgent__PollInterval"] = "00:00:00.200",
            ["Federation__NodeAgent__HeartbeatInterval"] = "00:00:01",
            ["Federation__NodeAgent__VisaKeysUrl"] = new Uri(hub.Client.BaseAddress!, "api/entitlements/visa-keys").ToString(),
            ["Federation__NodeAgent__Datasets__0__Id"] = h.Dataset,
            ["Federation__NodeAgent__Datasets__0__Collection"] = h.Collection,
            ["Federation__NodeAgent__Datasets__0__Title"] = $"Lung CT with nodule labels, {h.Holder}",
            ["Federation__NodeAgent__Datasets__0__CancerType"] = "C34",
        };
        if (h.Node == "node-a")
        {
            // Hospital A runs researchers' images too (alpine, as a process here), and releases their results by hand.
            settings["Federation__NodeAgent__AllowedAlgorithms__0"] = "builtin:*";
            settings["Federation__NodeAgent__AllowedAlgorithms__1"] = "alpine";
            settings["Federation__NodeAgent__ManualRelease__0"] = "alpine";
        }
        return settings;
    }

    private static object Profile(Hospital h) => new
    {
        node = h.Node,
        country = "NL",
        institution = $"Hospital {h.Node}",
        dataHolder = h.Holder,
        tier = "processing-capable",
        capabilities = new { cpus = 8, memoryBytes = 32L << 30, gpus = 0, gpuMemoryBytes = 0L, bandwidthBitsPerSecond = 100_000_000L },
    };

    private static string Training(IEnumerable<string> datasets, int rounds, string onNodeLoss = "fail") => $$"""
        { "name": "nodule malignancy, federated logistic regression",
          "inputs": [{{string.Join(", ", datasets.Select(d => $$"""{ "url": "federation://datasets/{{d}}", "path": "/data/{{d}}" }"""))}}],
          "executors": [{ "image": "{{FederatedTraining.Algorithm}}", "command": ["train"],
                          "env": { "ROUNDS": "{{rounds}}", "LOCAL_EPOCHS": "20", "LABEL_TAG": "StudyDescription", "LABEL_POSITIVE": "malignant" } }],
          "resources": { "backend_parameters": { "federation.on_node_loss": "{{onNodeLoss}}" } } }
        """;

    private static string Process(string dataset, string script) => Process([dataset], script);

    private static string Process(string[] datasets, string script) => $$"""
        { "name": "a script at the data",
          "inputs": [{{string.Join(", ", datasets.Select(d => $$"""{ "url": "federation://datasets/{{d}}", "path": "/data/{{d}}" }"""))}}],
          "outputs": [{ "path": "/out/count.txt", "url": "file:///results/count.txt" }],
          "executors": [{ "image": "alpine", "command": ["sh", "-c", {{System.Text.Json.JsonSerializer.Serialize(script)}}] }] }
        """;

    private static string CohortStatistics(string dataset, string placement) => $$"""
        { "name": "cohort statistics of {{dataset}}",
          "inputs": [{ "url": "federation://datasets/{{dataset}}", "path": "/data/{{dataset}}" }],
          "executors": [{ "image": "builtin:cohort-statistics", "command": ["cohort-statistics"] }],
          "resources": { "backend_parameters": { "federation.placement": "{{placement}}" } } }
        """;

    private static async Task<string> Submit(HttpClient researcher, string json)
    {
        using var response = await researcher.PostAsync("/ga4gh/tes/v1/tasks", new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    private static List<string> SystemLogs(JsonObject task) =>
        task["logs"]![0]!["system_logs"]!.AsArray().Select(l => l!.GetValue<string>()).ToList();

    private static async Task<JsonObject> Finished(HttpClient researcher, string id) =>
        (await Eventually.Until(() => researcher.GetFromJsonAsync<JsonObject>($"/ga4gh/tes/v1/tasks/{id}?view=FULL"),
            t => t!["state"]!.GetValue<string>() is "COMPLETE" or "SYSTEM_ERROR" or "EXECUTOR_ERROR" or "CANCELED", Deadline, $"task {id} finished"))!;

    private sealed class Disposables(IEnumerable<IAsyncDisposable> items) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var item in items)
                await item.DisposeAsync();
        }
    }
}
