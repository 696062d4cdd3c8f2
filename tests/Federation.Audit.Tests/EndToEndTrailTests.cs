using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Federation.Testing;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Validation;
using Xunit;
using Task = System.Threading.Tasks.Task;

namespace Federation.Audit.Tests;

/// <summary>
/// The audit trail of one piece of research, end to end on RabbitMQ and PostgreSQL with access, consent, discovery,
/// compute, audit and a node agent in one process: a researcher asks for a dataset with a stated purpose, the holder's
/// committee approves, the researcher runs a task, the node releases a result. The trail, read back through the audit API,
/// says for every step who acted (subject, role, client), what was done to what (action, resources, the released
/// content's hash), why (purpose, entitlement), where (service, node), when, and with what outcome; its FHIR export parses
/// with the Firely SDK and validates.
/// </summary>
public sealed class EndToEndTrailTests(Infrastructure infrastructure, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<Infrastructure>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);
    private const string Dataset = "demo-lung-ct";
    private const string Duo = "DUO:0000037";
    private const string Purpose = "Nodule growth rates in lung CT screening";

    [Fact]
    public async Task Request_approval_task_and_result_leave_a_complete_trail_with_who_what_why_where_when_and_outcome()
    {
        var settings = await infrastructure.SettingsFor("audit_e2e", "compute", "access", "consent", "discovery", "audit", "identity", "node-agent");
        settings["Federation__Identity__SeedDemo"] = "true";
        settings["Federation__Compute__Nodes__SeedDemo"] = "true";
        await using var hub = await InProcessFederation.Start("compute,access,consent,discovery,audit,node-agent", settings.AsArguments());
        var demo = await DemoCredentials.WaitFor(hub.DataDirectory);
        using var researcher = await hub.SignIn("researcher");
        using var dac = await hub.SignIn("dac");
        using var auditor = await hub.SignIn("auditor");
        var (researcherId, dacId) = (demo.User("researcher").Id, demo.User("dac").Id);
        var started = DateTimeOffset.UtcNow;
        await Eventually.Until(() => researcher.GetFromJsonAsync<JsonObject>("/api/datasets"), p => p!["total"]!.GetValue<int>() == 2, Deadline,
            "the demo node's datasets in the catalogue");

        // Request → consent check → the holder's committee approves.
        Guid requestId;
        using (var draft = await researcher.PostAsJsonAsync("/api/access-requests",
                   new { title = "Nodule growth", datasetIds = new[] { Dataset }, purpose = Purpose, purposeTerms = new { purposes = new[] { Duo } } }))
        {
            Assert.Equal(HttpStatusCode.Created, draft.StatusCode);
            requestId = (await draft.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        }
        await researcher.Submit(requestId);
        await Eventually.Until(() => researcher.GetFromJsonAsync<JsonObject>($"/api/access-requests/{requestId}"),
            r => r!["datasets"]![0]!["consentCheck"] is not null, Deadline, "the consent check");
        using (var vote = await dac.PostAsJsonAsync($"/api/access-requests/{requestId}/datasets/{Dataset}/votes", new { decision = "approve" }))
            Assert.Equal(HttpStatusCode.OK, vote.StatusCode);

        // Task → routed to the node → the node releases its aggregates.
        var taskId = await Eventually.Until(async () =>
        {
            var id = await CreateTask(researcher);
            return (id, routed: (await researcher.GetFromJsonAsync<JsonObject>($"/api/routing/{id}"))!["routed"]!.GetValue<bool>());
        }, t => t.routed, Deadline, "a task routed once the entitlement and the node's heartbeat are known").ContinueWith(t => t.Result.id);
        var done = await Eventually.Until(() => researcher.GetFromJsonAsync<JsonObject>($"/ga4gh/tes/v1/tasks/{taskId}"),
            t => t!["state"]!.GetValue<string>() is "COMPLETE" or "SYSTEM_ERROR" or "EXECUTOR_ERROR", Deadline, "the task to end");
        Assert.Equal("COMPLETE", done!["state"]!.GetValue<string>());

        // The trail, as an auditor reads it.
        var requestTrail = await Eventually.Until(() => Trail(auditor, $"request={requestId}"),
            t => Has(t, "EntitlementGranted") && Has(t, "AccessVoteRecorded") && Has(t, "DataUseCheckCompleted"), Deadline, "the request's trail");
        var taskTrail = await Eventually.Until(() => Trail(auditor, $"task={taskId}"),
            t => Has(t, "TaskPartFinished") && t.Any(e => Type(e) == "TaskStateChanged" && State(e) == "COMPLETE" && e["event"]!["node"] is null),
            Deadline, "the task's trail");
        var finished = DateTimeOffset.UtcNow;
        foreach (var e in requestTrail.Concat(taskTrail))
            output.WriteLine($"{e["sequence"]} {Type(e)} who={e["actor"]}/{e["actorKind"]}/{e["actorRole"]}/{e["actorClient"]} where={e["service"]}/{e["node"]} " +
                $"why={e["purpose"]}|{e["purposeCodes"]?.ToJsonString()}|{e["entitlements"]?.ToJsonString()} outcome={e["outcome"]} hash={e["contentHash"]}");

        var drafted = Single(requestTrail, "AccessRequestDrafted");
        var submitted = Single(requestTrail, "AccessRequestSubmitted");
        var checkedUse = Single(requestTrail, "DataUseCheckCompleted");
        var voted = Single(requestTrail, "AccessVoteRecorded");
        var granted = Single(requestTrail, "EntitlementGranted");
        var entitlementId = granted["event"]!["entitlementId"]!.GetValue<string>();
        var taskSubmitted = Single(taskTrail, "TaskSubmitted");
        var routed = Single(taskTrail, "TaskRouted");
        var part = Single(taskTrail, "TaskPartFinished");
        var completed = taskTrail.Single(e => Type(e) == "TaskStateChanged" && State(e) == "COMPLETE" && e["event"]!["node"] is null);

        // Who (subject, kind, role, client) — where (service, node) — why (purpose, DUO codes, entitlement) — outcome.
        Step(drafted, who: (researcherId, "user", "researcher", demo.PortalClientId), where: ("access", null), why: (Purpose, [Duo], []));
        Step(submitted, who: (researcherId, "user", "researcher", demo.PortalClientId), where: ("access", null), why: (Purpose, [Duo], []));
        Step(checkedUse, who: ("system:consent", "system", null, null), where: ("consent", null), why: (Purpose, [Duo], []));
        Step(voted, who: (dacId, "user", "dac-member", demo.PortalClientId), where: ("access", null), why: (Purpose, [Duo], []));
        Step(granted, who: (granted["actor"]!.GetValue<string>(), granted["actorKind"]!.GetValue<string>(), granted["actorRole"]?.GetValue<string>(),
            granted["actorClient"]?.GetValue<string>()), where: ("access", null), why: (Purpose, [Duo], [entitlementId]));
        Assert.Contains(granted["actor"]!.GetValue<string>(), new[] { dacId, "system:access" }); // the decision's author, or the role acting on it
        Step(taskSubmitted, who: (researcherId, "user", "researcher", demo.PortalClientId), where: ("compute", null), why: (Purpose, [Duo], [entitlementId]));
        Step(routed, who: (routed["actor"]!.GetValue<string>(), routed["actorKind"]!.GetValue<string>(), routed["actorRole"]?.GetValue<string>(),
            routed["actorClient"]?.GetValue<string>()), where: ("compute", null), why: (Purpose, [Duo], [entitlementId]));
        Step(part, who: ("node:node-demo", "node", "node-agent", null), where: ("node-agent", "node-demo"), why: (Purpose, [Duo], [entitlementId]));
        Step(completed, who: (completed["actor"]!.GetValue<string>(), completed["actorKind"]!.GetValue<string>(), completed["actorRole"]?.GetValue<string>(),
            completed["actorClient"]?.GetValue<string>()), where: ("compute", null), why: (Purpose, [Duo], [entitlementId]));

        // What: the action, the resources each step names, the released content's hash.
        Assert.Equal([Dataset], Strings(drafted["resources"]!["datasets"]));
        Assert.Contains(requestId.ToString(), Strings(drafted["resources"]!["requests"]));
        Assert.Equal(("approve", Dataset), (voted["event"]!["decision"]!.GetValue<string>(), voted["event"]!["datasetId"]!.GetValue<string>()));
        Assert.Contains("hospital-a", Strings(voted["resources"]!["holders"]));
        Assert.Equal((researcherId, Dataset), (granted["event"]!["subject"]!.GetValue<string>(), granted["event"]!["datasetId"]!.GetValue<string>()));
        Assert.Equal([Dataset], Strings(taskSubmitted["resources"]!["datasets"]));
        Assert.Equal("node-demo", routed["event"]!["plan"]![0]!["location"]!.GetValue<string>());
        var result = part["event"]!["result"]!.GetValue<string>();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(result))), part["contentHash"]!.GetValue<string>());
        Assert.Equal(40, JsonNode.Parse(result)!["subjects"]!.GetValue<int>());
        Assert.All(new[] { drafted, submitted, voted, granted, taskSubmitted, routed, completed }, e => Assert.Null(e["contentHash"]));

        // When: each stage occurred after the one it follows from (the vote and the entitlement it grants are one
        // transaction, so one stage), each was recorded after it occurred, all within the test; and within one aggregate
        // the chain keeps the order of publication (across aggregates it records by arrival).
        var steps = new[] { drafted, submitted, voted, granted, taskSubmitted, routed, part, completed };
        JsonObject[][] stages = [[drafted], [submitted], [checkedUse, voted, granted], [taskSubmitted], [routed], [part], [completed]];
        DateTimeOffset Occurred(JsonObject e) => e["occurredAt"]!.GetValue<DateTimeOffset>();
        Assert.All(stages.Zip(stages.Skip(1)), pair => Assert.True(pair.First.Max(Occurred) <= pair.Second.Min(Occurred),
            $"{string.Join("/", pair.First.Select(Type))} occurred after {string.Join("/", pair.Second.Select(Type))}"));
        long Sequence(JsonObject e) => e["sequence"]!.GetValue<long>();
        Assert.True(Sequence(drafted) < Sequence(submitted) && Sequence(submitted) < Sequence(voted), "the request's events in publication order");
        Assert.True(Sequence(taskSubmitted) < Sequence(routed) && Sequence(routed) < Sequence(completed), "the task's events in publication order");
        Assert.All(steps.Append(checkedUse), e =>
        {
            var (occurred, recorded) = (e["occurredAt"]!.GetValue<DateTimeOffset>(), e["recordedAt"]!.GetValue<DateTimeOffset>());
            Assert.InRange(occurred, started.AddSeconds(-1), finished);
            Assert.InRange(recorded, occurred.AddSeconds(-1), finished); // recorded after it occurred (clocks of one host)
            Assert.Equal(2, e["format"]!.GetValue<int>());
            Assert.Matches("^[0-9a-f]{64}$", e["hash"]!.GetValue<string>());
        });

        // The chain holding all this verifies.
        var report = (await auditor.GetFromJsonAsync<JsonObject>("/api/audit/verify"))!;
        Assert.True(report["verified"]!.GetValue<bool>(), report.ToJsonString());

        // FHIR R4: the same trail as AuditEvents, parsed by the Firely SDK and validated against R4's rules (cardinality of
        // required elements among them: an empty AuditEvent fails it).
        Assert.NotEmpty(new AuditEvent().Validate(ModelInfo.ModelInspector, validateRecursively: true));
        foreach (var (query, trail) in new[] { ($"request={requestId}", requestTrail), ($"task={taskId}", taskTrail) })
        {
            using var response = await auditor.GetAsync($"/api/audit/fhir/AuditEvent?{query}&limit=1000");
            Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
            var bundle = new FhirJsonDeserializer().Deserialize<Bundle>(await response.Content.ReadAsStringAsync());
            Assert.Empty(bundle.Validate(ModelInfo.ModelInspector, validateRecursively: true));
            var audits = bundle.Entry.Select(e => Assert.IsType<AuditEvent>(e.Resource)).ToList();
            Assert.Equal(trail.Count, audits.Count);
            foreach (var audit in audits)
            {
                Assert.Empty(audit.Validate(ModelInfo.ModelInspector, validateRecursively: true));
                Assert.NotNull(audit.Type?.Code);
                Assert.NotNull(audit.Recorded);
                Assert.Contains(audit.Agent, a => a.Requestor == true && a.Who?.Identifier?.Value is { Length: > 0 });
                Assert.NotNull(audit.Source?.Observer?.Identifier?.Value);
            }
        }
        var fhirTask = new FhirJsonDeserializer().Deserialize<Bundle>(await auditor.GetStringAsync($"/api/audit/fhir/AuditEvent?task={taskId}&limit=1000"));
        var fhirPart = fhirTask.Entry.Select(e => (AuditEvent)e.Resource!).Single(a => a.Type!.Code == "TaskPartFinished");
        Assert.Equal(("urn:federation:node", "node-demo", "node-demo"),
            (fhirPart.Source!.Observer!.Identifier!.System, fhirPart.Source.Observer.Identifier.Value, fhirPart.Source.Site));
        Assert.Contains(fhirPart.Entity, en => en.What?.Identifier?.System == "urn:federation:entitlement" && en.What.Identifier.Value == entitlementId);
        Assert.Contains(fhirPart.PurposeOfEvent.SelectMany(p => p.Coding), c => c.Code == Duo);
        Assert.Equal(part["contentHash"]!.GetValue<string>(),
            ((FhirString)fhirPart.Entity[0].Detail.Single(d => d.Type == "contentHash").Value!).Value);
        var fhirSubmitted = fhirTask.Entry.Select(e => (AuditEvent)e.Resource!).Single(a => a.Type!.Code == "TaskSubmitted");
        Assert.Contains(fhirSubmitted.Agent, a => a.Requestor == false && a.Who?.Identifier?.System == "urn:federation:client"
                                                  && a.Who.Identifier.Value == demo.PortalClientId);
        Assert.Equal(AuditEvent.AuditEventOutcome.N0, fhirSubmitted.Outcome);
    }

    private static void Step(JsonObject entry, (string Subject, string Kind, string? Role, string? Client) who, (string Service, string? Node) where,
        (string Purpose, string[] Codes, string[] Entitlements) why)
    {
        var what = Type(entry);
        Assert.True((who.Subject, who.Kind, who.Role, who.Client) == (entry["actor"]!.GetValue<string>(), entry["actorKind"]!.GetValue<string>(),
            entry["actorRole"]?.GetValue<string>(), entry["actorClient"]?.GetValue<string>()), $"{what}: who {entry.ToJsonString()}");
        Assert.True(where == (entry["service"]!.GetValue<string>(), entry["node"]?.GetValue<string>()), $"{what}: where {entry.ToJsonString()}");
        Assert.True(why.Purpose == entry["purpose"]?.GetValue<string>(), $"{what}: purpose {entry["purpose"]}");
        Assert.True(why.Codes.SequenceEqual(Strings(entry["purposeCodes"])), $"{what}: purpose codes {entry["purposeCodes"]}");
        Assert.True(why.Entitlements.SequenceEqual(Strings(entry["entitlements"])), $"{what}: entitlements {entry["entitlements"]}");
        Assert.True(entry["outcome"]!.GetValue<string>() == "success", $"{what}: outcome {entry["outcome"]} {entry["outcomeDetail"]}");
    }

    private static async Task<string> CreateTask(HttpClient researcher)
    {
        var json = $$"""
            { "name": "nodule cohort", "inputs": [{ "url": "federation://datasets/{{Dataset}}", "path": "/data/{{Dataset}}" }],
              "executors": [{ "image": "builtin:cohort-statistics", "command": ["cohort-statistics"] }] }
            """;
        using var response = await researcher.PostAsync("/ga4gh/tes/v1/tasks", new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    private static async Task<List<JsonObject>> Trail(HttpClient auditor, string query) =>
        (await auditor.GetFromJsonAsync<JsonObject>($"/api/audit/events?{query}&limit=1000"))!["items"]!.AsArray().Select(i => i!.AsObject()).ToList();

    private static string Type(JsonObject entry) => entry["eventType"]!.GetValue<string>().Split(':')[^1];

    private static string? State(JsonObject entry) => entry["event"]!["state"]?.GetValue<string>();

    private static bool Has(List<JsonObject> trail, string type) => trail.Any(e => Type(e) == type);

    private static JsonObject Single(List<JsonObject> trail, string type)
    {
        var found = trail.Where(e => Type(e) == type).ToList();
        Assert.True(found.Count == 1, $"{found.Count} × {type} in {string.Join(", ", trail.Select(Type))}");
        return found[0];
    }

    private static List<string> Strings(JsonNode? array) => array?.AsArray().Select(i => i!.GetValue<string>()).ToList() ?? [];
}
