using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Federation.Contracts;
using Federation.Contracts.Access;
using Federation.Contracts.Compute;
using Federation.Testing;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Task = System.Threading.Tasks.Task;

namespace Federation.Audit.Tests;

/// <summary>
/// Query filters and rights, the FHIR R4 AuditEvent export and the per-dataset processing report, over a trail made of
/// stamped events published onto the bus of the in-process host: on PostgreSQL and RabbitMQ, and on the embedded store.
/// </summary>
public sealed class AuditQueryTests(Infrastructure infrastructure) : IClassFixture<Infrastructure>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task On_postgres_and_rabbitmq_queries_rights_fhir_export_and_processing_report()
    {
        var settings = (await infrastructure.SettingsFor("audit_query", "audit", "identity")).WithIdentity();
        await using var federation = await InProcessFederation.Start("audit", settings.AsArguments());
        await Scenario(federation);
    }

    [Fact]
    public async Task On_the_embedded_store_queries_rights_fhir_export_and_processing_report()
    {
        await using var federation = await InProcessFederation.Start("audit");
        await Scenario(federation);
    }

    private static async Task Scenario(InProcessFederation federation)
    {
        using var auditor = await federation.SignIn("auditor");
        using var researcher = await federation.SignIn("researcher");
        using var dacA = await federation.SignIn("dac"); // hospital-a
        var (other, otherSubject) = await federation.SignInNewAccount("qa.other", "researcher");
        var (dacB, _) = await federation.SignInNewAccount("qa.dacb", "dac-member", "hospital-b");
        using var _o = other;
        using var _d = dacB;
        var me = (await researcher.GetFromJsonAsync<JsonObject>("/api/identity/me"))!["subject"]!.GetValue<string>();

        var t = new Trail(Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(-1));
        var dsA = "ds-a-" + Guid.NewGuid().ToString("N")[..8];
        var dsB = "ds-b-" + Guid.NewGuid().ToString("N")[..8];
        var (r1, r2, entitlement) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var (t1, t2) = ("task-" + Guid.NewGuid().ToString("N")[..8], "task-" + Guid.NewGuid().ToString("N")[..8]);
        var mine = new Actor(me, "user", "researcher");
        var theirs = new Actor(otherSubject, "user", "researcher");

        var bus = federation.Services.GetRequiredService<IBus>();
        // In chain order as published one after the other; each event occurs one minute after the one before.
        IReadOnlyList<FederationEvent> events =
        [
            t.Stamp(Submitted(r1, me, dsA, "hospital-a", "Lung nodule follow-up", "DUO:0000042"), r1.ToString(), mine),
            t.Stamp(Submitted(r2, otherSubject, dsB, "hospital-b", "Someone else's study", "DUO:0000006"), r2.ToString(), theirs),
            t.Stamp(new EntitlementGranted
            {
                EntitlementId = entitlement, RequestId = r1, Subject = me, DatasetId = dsA, DataHolder = "hospital-a", Conditions = "no re-identification",
                Start = t.Base.AddMinutes(2), End = t.Base.AddDays(90),
            }, entitlement.ToString(), Actor.Service("access")),
            t.Stamp(new TaskSubmitted { TaskId = t1, Owner = me, Name = "cohort", Datasets = [dsA], Algorithm = "cohort-statistics", Placement = "at-data" }, t1, mine),
            t.Stamp(new TaskRouted
            {
                TaskId = t1, Owner = me, Routed = true, Kind = "at-data", Plan = [new RoutingPlacement(dsA, "at-data", "node-a", 1)], Checks = [], Rejected = [],
            }, t1, Actor.Service("compute")),
            t.Stamp(new TaskPartFinished { TaskId = t1, Node = "node-a", Dataset = dsA, State = "COMPLETE", Result = "{}" }, t1, new Actor("node-a", "node")),
            t.Stamp(new TaskStateChanged { TaskId = t1, Owner = me, State = "COMPLETE" }, t1, Actor.Service("compute")),
            t.Stamp(new TaskRouted
            {
                TaskId = t2, Owner = otherSubject, Routed = false, Plan = [], Checks = [], Rejected = [],
                Refusal = new RoutingAlternative(dsB, "node-b", "entitlement", "no entitlement to the dataset", "file an access request"),
            }, t2, Actor.Service("compute")),
            t.Stamp(new EntitlementRevoked
            {
                EntitlementId = entitlement, RequestId = r1, Subject = me, DatasetId = dsA, DataHolder = "hospital-a",
                Reason = "the committee withdrew its approval", RevokedAt = t.Base.AddMinutes(9),
            }, entitlement.ToString(), new Actor("dac-1", "user", "dac-member")),
        ];
        // Each recorded before the next is published: the chain orders by arrival, and two events published moments apart
        // may be consumed concurrently and arrive the other way round; the assertions below name events by chain position.
        List<JsonObject> all = [];
        foreach (var e in events)
        {
            await bus.Publish(e, e.GetType(), ctx => ctx.MessageId = e.EventId);
            var recorded = all.Count + 1;
            all = await Eventually.Until(() => Page(auditor, $"correlationId={t.Correlation}"), p => p.Count == recorded, Deadline, $"event {recorded} in the trail");
        }
        Assert.Equal(events.Select(e => e.EventId), all.Select(e => e["eventId"]!.GetValue<Guid>()).OrderBy(id => events.ToList().FindIndex(e => e.EventId == id)));

        // Filters (auditor: everything).
        Assert.Equal(["AccessRequestSubmitted", "EntitlementGranted", "TaskSubmitted", "TaskRouted", "TaskPartFinished", "EntitlementRevoked"],
            Types(await Page(auditor, $"correlationId={t.Correlation}&dataset={dsA}")));
        Assert.Equal(["AccessRequestSubmitted", "EntitlementGranted", "EntitlementRevoked"], Types(await Page(auditor, $"request={r1}")));
        Assert.Equal(["TaskSubmitted", "TaskRouted", "TaskPartFinished", "TaskStateChanged"], Types(await Page(auditor, $"task={t1}")));
        Assert.Equal(["TaskPartFinished"], Types(await Page(auditor, $"correlationId={t.Correlation}&node=node-a")));
        Assert.Equal(["AccessRequestSubmitted", "TaskSubmitted"], Types(await Page(auditor, $"correlationId={t.Correlation}&actor={me}")));
        Assert.Equal(["EntitlementGranted"], Types(await Page(auditor, $"correlationId={t.Correlation}&action=EntitlementGranted")));
        Assert.Equal(["EntitlementGranted", "TaskSubmitted"],
            Types(await Page(auditor, $"correlationId={t.Correlation}&from={Iso(t.Base.AddMinutes(2))}&to={Iso(t.Base.AddMinutes(4))}")));
        Assert.Empty(await Page(auditor, $"correlationId={t.Correlation}&from={Iso(t.Base.AddDays(1))}"));
        // Cursor paging with filters: pages of two add up to the whole, in order, without repeats.
        var paged = new List<Guid>();
        long? after = 0;
        while (after is not null)
        {
            var page = (await auditor.GetFromJsonAsync<JsonObject>($"/api/audit/events?correlationId={t.Correlation}&limit=2&after={after}"))!;
            paged.AddRange(page["items"]!.AsArray().Select(i => i!["eventId"]!.GetValue<Guid>()));
            after = page["next"]?.GetValue<long>();
        }
        Assert.Equal(all.Select(e => e["eventId"]!.GetValue<Guid>()), paged);
        using (var bad = await auditor.GetAsync($"/api/audit/events?from={Iso(t.Base.AddMinutes(5))}&to={Iso(t.Base)}"))
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        // Rights: a researcher their own trail, DAC members their holders' entries; others' entries are simply absent.
        Assert.Equal(["AccessRequestSubmitted", "EntitlementGranted", "TaskSubmitted", "TaskRouted", "TaskStateChanged", "EntitlementRevoked"],
            Types(await Page(researcher, $"correlationId={t.Correlation}")));
        Assert.Empty(await Page(researcher, $"request={r2}"));
        Assert.Equal(["AccessRequestSubmitted", "TaskRouted"], Types(await Page(other, $"correlationId={t.Correlation}")));
        var seenByA = await Page(dacA, $"correlationId={t.Correlation}");
        Assert.Equal(["AccessRequestSubmitted", "EntitlementGranted", "EntitlementRevoked"], Types(seenByA));
        Assert.All(seenByA, e => Assert.Contains("\"hospital-a\"", e["event"]!.ToJsonString()));
        Assert.Equal([r2.ToString()], (await Page(dacB, $"correlationId={t.Correlation}")).Select(e => e["aggregateId"]!.GetValue<string>()));

        // FHIR R4 AuditEvent export: parses back with the Firely deserializer into a Bundle of AuditEvents with R4's required elements.
        using var fhir = await auditor.GetAsync($"/api/audit/fhir/AuditEvent?correlationId={t.Correlation}");
        Assert.Equal(HttpStatusCode.OK, fhir.StatusCode);
        Assert.Equal("application/fhir+json", fhir.Content.Headers.ContentType?.MediaType);
        var bundle = new FhirJsonDeserializer().Deserialize<Bundle>(await fhir.Content.ReadAsStringAsync());
        Assert.Equal(Bundle.BundleType.Searchset, bundle.Type);
        var audits = bundle.Entry.Select(e => Assert.IsType<AuditEvent>(e.Resource)).ToList();
        Assert.Equal(events.Count, audits.Count);
        foreach (var (audit, entry) in audits.Zip(all))
        {
            Assert.False(string.IsNullOrEmpty(audit.Type?.Code), "type");
            Assert.Equal("urn:federation:audit-event-type", audit.Type!.System);
            Assert.Equal(entry["eventType"]!.GetValue<string>().Split(':')[^1], audit.Type.Code);
            Assert.NotNull(audit.Recorded);
            Assert.NotEmpty(audit.Agent);
            Assert.All(audit.Agent, a => Assert.NotNull(a.Requestor));
            Assert.Contains(audit.Agent, a => a.Requestor == true && a.Who?.Identifier?.Value == entry["actor"]!.GetValue<string>());
            Assert.NotNull(audit.Source);
            Assert.NotNull(audit.Source.Observer);
            Assert.False(string.IsNullOrEmpty(audit.Source.Observer.Identifier?.Value ?? audit.Source.Observer.Display), "source.observer");
            Assert.NotNull(audit.Action);
            Assert.NotNull(audit.Outcome);
            var chained = Assert.Single(audit.Entity, en => en.Detail.Any(d => d.Type == "hash"));
            Assert.Equal(entry["hash"]!.GetValue<string>(), ((FhirString)chained.Detail.Single(d => d.Type == "hash").Value).Value);
            Assert.Equal(entry["sequence"]!.GetValue<long>().ToString(), ((FhirString)chained.Detail.Single(d => d.Type == "sequence").Value).Value);
        }
        var submitted = audits[0];
        Assert.Equal(AuditEvent.AuditEventAction.C, submitted.Action);
        Assert.Contains(submitted.PurposeOfEvent.SelectMany(p => p.Coding), c => c.Code == "DUO:0000042");
        Assert.Contains(submitted.Entity, en => en.What?.Identifier?.System == "urn:federation:dataset" && en.What.Identifier.Value == dsA);
        Assert.Equal(AuditEvent.AuditEventOutcome.N0, submitted.Outcome);
        var refused = audits[7];
        Assert.Equal(AuditEvent.AuditEventOutcome.N4, refused.Outcome);
        Assert.Contains("entitlement", refused.OutcomeDesc);
        Assert.Equal("node-a", audits[5].Source.Observer.Identifier?.Value);
        Assert.Equal(AuditEvent.AuditEventAction.D, audits[8].Action);
        Assert.Contains(audits[2].Entity, en => en.What?.Identifier?.System == "urn:federation:entitlement");
        // A page of three links the next one.
        using var firstPage = await auditor.GetAsync($"/api/audit/fhir/AuditEvent?correlationId={t.Correlation}&limit=3");
        var pageBundle = new FhirJsonDeserializer().Deserialize<Bundle>(await firstPage.Content.ReadAsStringAsync());
        Assert.Equal(3, pageBundle.Entry.Count);
        Assert.Contains("after=", pageBundle.Link.Single(l => l.Relation == "next").Url);
        using (var refusedExport = await researcher.GetAsync("/api/audit/fhir/AuditEvent"))
            Assert.Equal(HttpStatusCode.Forbidden, refusedExport.StatusCode);

        // The processing report of dataset A: the purpose, the recipient with its period, the task.
        var report = (await auditor.GetFromJsonAsync<JsonObject>($"/api/audit/datasets/{dsA}/processing-report"))!;
        Assert.Equal(["hospital-a"], report["dataHolders"]!.AsArray().Select(h => h!.GetValue<string>()));
        var purpose = Assert.Single(report["purposes"]!.AsArray())!;
        Assert.Equal((r1.ToString(), "Lung nodule follow-up", me), (purpose["requestId"]!.GetValue<string>(), purpose["purpose"]!.GetValue<string>(), purpose["applicant"]!.GetValue<string>()));
        Assert.Equal("DUO:0000042", purpose["purposeTerms"]!["purposes"]![0]!.GetValue<string>());
        var recipient = Assert.Single(report["recipients"]!.AsArray())!;
        Assert.Equal(me, recipient["subject"]!.GetValue<string>());
        Assert.Equal(t.Base.AddMinutes(2), recipient["start"]!.GetValue<DateTimeOffset>());
        Assert.Equal(t.Base.AddDays(90), recipient["end"]!.GetValue<DateTimeOffset>());
        Assert.Equal(("revoked", t.Base.AddMinutes(9)), (recipient["ended"]!.GetValue<string>(), recipient["endedAt"]!.GetValue<DateTimeOffset>()));
        var task = Assert.Single(report["processing"]!.AsArray())!;
        Assert.Equal((t1, me, "cohort-statistics", "COMPLETE"),
            (task["taskId"]!.GetValue<string>(), task["owner"]!.GetValue<string>(), task["algorithm"]!.GetValue<string>(), task["state"]!.GetValue<string>()));
        Assert.Equal(["node-a"], task["locations"]!.AsArray().Select(l => l!.GetValue<string>()));
        var part = Assert.Single(task["parts"]!.AsArray())!;
        Assert.Equal(("node-a", "COMPLETE"), (part["node"]!.GetValue<string>(), part["state"]!.GetValue<string>()));
        Assert.Equal(t.Base.AddMinutes(2), report["period"]!["accessFrom"]!.GetValue<DateTimeOffset>());
        Assert.Equal(t.Base.AddMinutes(9), report["period"]!["accessUntil"]!.GetValue<DateTimeOffset>());

        // The holder's DAC reads it; another holder's DAC and a researcher do not; an unknown dataset is not found.
        using (var byA = await dacA.GetAsync($"/api/audit/datasets/{dsA}/processing-report"))
            Assert.Equal(HttpStatusCode.OK, byA.StatusCode);
        using (var byB = await dacB.GetAsync($"/api/audit/datasets/{dsA}/processing-report"))
            Assert.Equal(HttpStatusCode.NotFound, byB.StatusCode);
        using (var byResearcher = await researcher.GetAsync($"/api/audit/datasets/{dsA}/processing-report"))
            Assert.Equal(HttpStatusCode.Forbidden, byResearcher.StatusCode);
        using (var unknown = await auditor.GetAsync("/api/audit/datasets/ds-nowhere/processing-report"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        }
    }

    private sealed class Trail(Guid correlation, DateTimeOffset @base)
    {
        private int step;

        public Guid Correlation => correlation;

        /// <summary>Whole seconds, so times compare exactly after the trail truncates to microseconds.</summary>
        public DateTimeOffset Base { get; } = new(@base.Year, @base.Month, @base.Day, @base.Hour, @base.Minute, @base.Second, TimeSpan.Zero);

        public FederationEvent Stamp<T>(T evt, string aggregate, Actor actor) where T : FederationEvent =>
            evt with { EventId = Guid.NewGuid(), OccurredAt = Base.AddMinutes(step++), AggregateId = aggregate, AggregateVersion = 1, Actor = actor, CorrelationId = correlation };
    }

    private static AccessRequestSubmitted Submitted(Guid id, string applicant, string dataset, string holder, string purpose, string duo) => new()
    {
        RequestId = id, Title = "Study " + id.ToString("N")[..6], Applicant = applicant, DatasetIds = [dataset], Purpose = purpose, SubmittedAt = DateTimeOffset.UtcNow,
        Request = new AccessRequestSnapshot(id, 2, "submitted", "Study " + id.ToString("N")[..6], purpose,
            new ResearchPurposeTerms([duo], [], false, false, "DE", "Uni", "P1"), applicant, [], null, null,
            [new DatasetSubRequest(dataset, holder, "underReview", null, null, null)]),
    };

    private static async Task<List<JsonObject>> Page(HttpClient client, string query)
    {
        var page = (await client.GetFromJsonAsync<JsonObject>($"/api/audit/events?{query}&limit=1000"))!;
        return page["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
    }

    private static List<string> Types(IEnumerable<JsonObject> entries) => entries.Select(e => e["eventType"]!.GetValue<string>().Split(':')[^1]).ToList();

    private static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"));
}
