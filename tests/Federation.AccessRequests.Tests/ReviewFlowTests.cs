using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Federation.AccessRequests;
using Federation.AccessRequests.Review;
using Federation.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Federation.AccessRequests.Tests;

/// <summary>
/// Review end to end on a real RabbitMQ and PostgreSQL: the access, consent, identity and audit roles in
/// one process, the consent check travelling as events, and the access role's clock driven by the test
/// (every other part of the host keeps real time).
/// </summary>
public sealed class ReviewFlowTests(Infrastructure infrastructure) : IClassFixture<Infrastructure>, IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private InProcessFederation federation = null!;
    private HttpClient researcher = null!;
    private Dictionary<string, string> settings = null!;

    public async Task InitializeAsync()
    {
        settings = await infrastructure.SettingsFor(nameof(ReviewFlowTests), "access", "consent", "identity", "audit");
        settings["Federation__Identity__SeedDemo"] = "true";
        settings["Federation__Security__WritesPerSecond"] = "1000000";
        federation = await StartWithClock("access,consent,audit", settings, clock);
        researcher = await federation.SignIn("researcher");
    }

    private static Task<InProcessFederation> StartWithClock(string roles, Dictionary<string, string> settings, TimeProvider reviewClock) =>
        InProcessFederation.Start(roles, services => services.AddKeyedSingleton(AccessRequestsModule.ClockKey, reviewClock),
            settings.AsArguments());

    public async Task DisposeAsync()
    {
        researcher.Dispose();
        await federation.DisposeAsync();
    }

    [Fact]
    public async Task Two_holders_one_approving_by_quorum_one_declining_give_a_partial_approval_one_entitlement_and_a_verifiable_visa()
    {
        var (a1, a1Id) = await federation.SignInNewAccount("dac.a1", "dac-member", "hospital-a");
        var (a2, a2Id) = await federation.SignInNewAccount("dac.a2", "dac-member", "hospital-a");
        var (_, a3Id) = await federation.SignInNewAccount("dac.a3", "dac-member", "hospital-a");
        var (b1, _) = await federation.SignInNewAccount("dac.b1", "dac-member", "hospital-b");
        await SetConditions(a1, "ds-liver-ct", "hospital-a", "DUO:0000006");
        await SetConditions(b1, "ds-brain-mr", "hospital-b", "DUO:0000007", "MONDO:0018177");
        using (var policy = await a1.PutAsJsonAsync("/api/access-review/policies/hospital-a",
                   new { rule = "quorum", members = new[] { a1Id, a2Id, a3Id }, quorum = 2 }))
            Assert.Equal(HttpStatusCode.OK, policy.StatusCode);

        var id = await Draft("Liver and brain imaging", "ds-liver-ct", "ds-brain-mr");
        await researcher.Submit(id);
        var checkedRequest = await Eventually.Until(() => Read(researcher, id), r => r["datasets"]!.AsArray().All(d => d!["consentCheck"] is not null),
            Deadline, "the consent check of both datasets to arrive");
        Assert.Equal(["permit", "deny"], checkedRequest["datasets"]!.AsArray().Select(d => d!["consentCheck"]!["outcome"]!.GetValue<string>()));

        // A deny is not approved without an explicit override; hospital B declines instead.
        using (var refused = await Vote(b1, id, "ds-brain-mr", "approve"))
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        using (await Vote(b1, id, "ds-brain-mr", "decline", comment: "Glioblastoma data only")) { }
        using (var first = await Vote(a1, id, "ds-liver-ct", "approve"))
            Assert.Equal("underReview", (await first.Content.ReadFromJsonAsync<JsonObject>())!["datasets"]![0]!["state"]!.GetValue<string>());
        using (await Vote(a2, id, "ds-liver-ct", "approve")) { }

        var decided = await Read(researcher, id);
        Assert.Equal("partiallyApproved", decided["state"]!.GetValue<string>());
        Assert.Equal(["madeAvailable", "declined"], decided["datasets"]!.AsArray().Select(d => d!["state"]!.GetValue<string>()));
        Assert.Null(decided["datasets"]![0]!["votes"]); // the committee's votes are not the applicant's to read

        var entitlement = Assert.Single((await researcher.GetFromJsonAsync<JsonObject>("/api/entitlements"))!["items"]!.AsArray())!;
        Assert.Equal(("ds-liver-ct", "hospital-a", "active"),
            (entitlement["datasetId"]!.GetValue<string>(), entitlement["dataHolder"]!.GetValue<string>(), entitlement["state"]!.GetValue<string>()));

        var visa = Assert.Single((await researcher.GetFromJsonAsync<JsonObject>("/api/entitlements/passport"))!["ga4gh_passport_v1"]!.AsArray())!.GetValue<string>();
        var grant = await VerifiedVisa(visa);
        Assert.Equal(("ControlledAccessGrants", "dac"), (grant["type"]!.GetValue<string>(), grant["by"]!.GetValue<string>()));
        Assert.Equal("urn:federation:dataset:ds-liver-ct", grant["value"]!.GetValue<string>());

        using var auditor = await federation.SignIn("auditor");
        // The request's own events (the consent role's check of it shares its aggregate id, in its own numbering).
        var trail = (await Eventually.Until(() => auditor.AuditTrailOf(id), t => t.Count(IsAccess) >= 6, Deadline, "the request's events to reach the audit trail"))
            .Where(IsAccess).OrderBy(e => e["aggregateVersion"]!.GetValue<long>()).ToList();
        Assert.Equal(
            ["AccessRequestDrafted", "AccessRequestSubmitted", "AccessConsentCheckRecorded", "AccessVoteRecorded", "AccessVoteRecorded", "AccessVoteRecorded"],
            trail.Select(TypeOf));
        Assert.Equal([1L, 2, 3, 4, 5, 6], trail.Select(e => e["aggregateVersion"]!.GetValue<long>())); // one event per change, none lost, none doubled
    }

    [Fact]
    public async Task A_silent_holder_is_reminded_then_escalated_once_each_and_an_entitlement_expires_at_its_end()
    {
        var (a1, _) = await federation.SignInNewAccount("dac.solo", "dac-member", "hospital-c");
        await SetConditions(a1, "ds-lung-ct", "hospital-c", "DUO:0000042");
        using (await a1.PutAsJsonAsync("/api/access-review/policies/hospital-c",
                   new { rule = "single", remindAfterDays = 3, escalateAfterDays = 5, entitlementDays = 30 })) { }
        var silent = await Draft("Lung nodules", "ds-lung-ct");
        await researcher.Submit(silent);
        await Eventually.Until(() => Read(researcher, silent), r => r["datasets"]![0]!["consentCheck"] is not null, Deadline, "the consent check");
        using var auditor = await federation.SignIn("auditor");

        clock.Advance(TimeSpan.FromDays(3) + TimeSpan.FromMinutes(1));
        await Eventually.Until(() => auditor.AuditTrailOf(silent), t => t.Any(e => TypeOf(e) == "AccessReviewReminderSent"), Deadline, "the reminder");
        clock.Advance(TimeSpan.FromDays(2));
        await Eventually.Until(() => auditor.AuditTrailOf(silent), t => t.Any(e => TypeOf(e) == "AccessReviewEscalated"), Deadline, "the escalation");
        using var admin = await federation.SignIn("admin");
        var escalated = (await admin.GetFromJsonAsync<JsonObject>("/api/access-requests/review-inbox"))!["items"]!.AsArray();
        Assert.Contains(escalated, r => r!["id"]!.GetValue<Guid>() == silent);

        // The holder finally approves: the entitlement lasts the policy's 30 days, then expires on the clock.
        using (await Vote(a1, silent, "ds-lung-ct", "approve")) { }
        var entitlementId = (await researcher.GetFromJsonAsync<JsonObject>("/api/entitlements"))!["items"]![0]!["id"]!.GetValue<Guid>();
        clock.Advance(TimeSpan.FromDays(30));
        var trail = await Eventually.Until(() => auditor.AuditTrailOf(entitlementId.ToString()), t => t.Any(e => TypeOf(e) == "EntitlementExpired"),
            Deadline, "the entitlement to expire");

        Assert.Equal(["EntitlementGranted", "EntitlementExpired"], trail.OrderBy(e => e["aggregateVersion"]!.GetValue<long>()).Select(TypeOf));
        var requestTrail = await auditor.AuditTrailOf(silent);
        Assert.Equal(1, requestTrail.Count(e => TypeOf(e) == "AccessReviewReminderSent"));
        Assert.Equal(1, requestTrail.Count(e => TypeOf(e) == "AccessReviewEscalated"));
        Assert.Empty((await researcher.GetFromJsonAsync<JsonObject>("/api/entitlements/passport"))!["ga4gh_passport_v1"]!.AsArray());
    }

    [Fact]
    public async Task Deadlines_live_in_the_database_so_a_replica_started_later_fires_them_and_racing_replicas_fire_each_once()
    {
        var (dac, _) = await federation.SignInNewAccount("dac.race", "dac-member", "hospital-d");
        await SetConditions(dac, "ds-colon-ct", "hospital-d", "DUO:0000042");
        using (await dac.PutAsJsonAsync("/api/access-review/policies/hospital-d", new { rule = "single", remindAfterDays = 2, escalateAfterDays = 4 })) { }
        var id = await Draft("Colon polyps", "ds-colon-ct");
        await researcher.Submit(id);
        await Eventually.Until(() => Read(researcher, id), r => r["datasets"]![0]!["consentCheck"] is not null, Deadline, "the consent check");

        // A second access replica on the same database and broker, started after the deadlines were written:
        // it knows them only from the database. Its own clock runs ahead; the first replica's stands still.
        var replicaClock = new FakeTimeProvider(clock.GetUtcNow());
        var replicaSettings = new Dictionary<string, string>(settings)
        {
            ["ConnectionStrings__identity"] = infrastructure.Postgres.ForDatabase($"identity_replica_{Guid.NewGuid():N}"),
        };
        await using var replica = await StartWithClock("access", replicaSettings, replicaClock);
        using var auditor = await federation.SignIn("auditor");
        replicaClock.Advance(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        await Eventually.Until(() => auditor.AuditTrailOf(id), t => t.Any(e => TypeOf(e) == "AccessReviewReminderSent"), Deadline, "the replica to send the reminder");

        // Now both clocks pass the reminder (already sent) and the escalation (due for both at once): each fires once.
        clock.Advance(TimeSpan.FromDays(4) + TimeSpan.FromMinutes(1));
        replicaClock.Advance(TimeSpan.FromDays(2));
        var trail = await Eventually.Until(() => auditor.AuditTrailOf(id), t => t.Any(e => TypeOf(e) == "AccessReviewEscalated"), Deadline, "the escalation");
        using var comment = await researcher.PostAsJsonAsync($"/api/access-requests/{id}/comments", new { text = "Any news?" });
        Assert.Equal(HttpStatusCode.OK, comment.StatusCode);
        // The comment is the request's latest change: wait until every version up to it is in the trail (recording order may differ).
        var latest = (await comment.Content.ReadFromJsonAsync<JsonObject>())!["version"]!.GetValue<long>();
        trail = await Eventually.Until(() => auditor.AuditTrailOf(id), t => t.Count(IsAccess) >= latest, Deadline, "every change up to the comment");
        Assert.Equal(1, trail.Count(e => TypeOf(e) == "AccessReviewReminderSent"));
        Assert.Equal(1, trail.Count(e => TypeOf(e) == "AccessReviewEscalated"));
        var versions = trail.Where(IsAccess).Select(e => e["aggregateVersion"]!.GetValue<long>()).Order().ToList();
        Assert.Equal(Enumerable.Range(1, versions.Count).Select(v => (long)v), versions);
    }

    [Fact]
    public async Task Returned_for_changes_edited_resubmitted_then_approved_with_conditions_the_applicant_accepts()
    {
        var (dac, dacId) = await federation.SignInNewAccount("dac.e1", "dac-member", "hospital-e");
        await SetConditions(dac, "ds-breast-mg", "hospital-e", "DUO:0000006");
        var id = await Draft("Breast density", "ds-breast-mg");
        await researcher.Submit(id);
        await Eventually.Until(() => Read(researcher, id), r => r["datasets"]![0]!["consentCheck"] is not null, Deadline, "the consent check");

        using (var returned = await dac.PostAsJsonAsync($"/api/access-requests/{id}/return", new { text = "Name the mammography vendors you need" }))
            Assert.Equal("returned", (await returned.Content.ReadFromJsonAsync<JsonObject>())!["state"]!.GetValue<string>());
        using (var vote = await Vote(dac, id, "ds-breast-mg", "approve"))
            Assert.Equal(HttpStatusCode.Conflict, vote.StatusCode); // nothing to vote on while it is with the applicant
        using (var edited = await researcher.PutAsJsonAsync($"/api/access-requests/{id}", new
               {
                   title = "Breast density (Hologic and Siemens)",
                   datasetIds = new[] { "ds-breast-mg" },
                   purposeTerms = new { purposes = new[] { "DUO:0000037" }, diseaseCodes = new[] { "MONDO:0007254" } },
               }))
            Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var resubmitted = await researcher.Submit(id);
        Assert.Equal((2, "submitted"), (resubmitted["round"]!.GetValue<int>(), resubmitted["state"]!.GetValue<string>()));
        await Eventually.Until(() => Read(researcher, id), r => r["datasets"]![0]!["consentCheck"] is not null, Deadline, "the second round's consent check");

        using (await dac.PostAsJsonAsync($"/api/access-requests/{id}/datasets/ds-breast-mg/votes",
                   new { decision = "approve", conditions = "Acknowledge hospital E; no re-identification attempts" })) { }
        var reviewerView = await Read(dac, id);
        Assert.Equal(dacId, reviewerView["datasets"]![0]!["votes"]![0]!["member"]!.GetValue<string>());
        Assert.Equal("conditionsProposed", (await Read(researcher, id))["datasets"]![0]!["state"]!.GetValue<string>());
        Assert.Empty((await researcher.GetFromJsonAsync<JsonObject>("/api/entitlements"))!["items"]!.AsArray());

        using var accepted = await researcher.PostAsync($"/api/access-requests/{id}/datasets/ds-breast-mg/accept-conditions", null);
        var approved = (await accepted.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(("approved", "madeAvailable"), (approved["state"]!.GetValue<string>(), approved["datasets"]![0]!["state"]!.GetValue<string>()));
        var entitlement = (await researcher.GetFromJsonAsync<JsonObject>("/api/entitlements"))!["items"]![0]!;
        Assert.Equal("Acknowledge hospital E; no re-identification attempts", entitlement["conditions"]!.GetValue<string>());
        Assert.Equal(["Name the mammography vendors you need"], approved["comments"]!.AsArray().Select(c => c!["text"]!.GetValue<string>()));

        using var withdraw = await researcher.PostAsync($"/api/access-requests/{id}/withdraw", null);
        Assert.Equal(HttpStatusCode.Conflict, withdraw.StatusCode);
        using var conclude = await researcher.PostAsync($"/api/access-requests/{id}/conclude", null);
        Assert.Equal("concluded", (await conclude.Content.ReadFromJsonAsync<JsonObject>())!["state"]!.GetValue<string>());
        Assert.Equal("revoked", (await researcher.GetFromJsonAsync<JsonObject>("/api/entitlements"))!["items"]![0]!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_clock_wakes_for_a_draft_left_idle_and_abandons_it()
    {
        // Databases of its own: the next deadline must be this draft's, not one another test left behind.
        var own = new Dictionary<string, string>(settings)
        {
            ["ConnectionStrings__access"] = infrastructure.Postgres.ForDatabase($"access_idle_{Guid.NewGuid():N}"),
            ["ConnectionStrings__identity"] = infrastructure.Postgres.ForDatabase($"identity_idle_{Guid.NewGuid():N}"),
        };
        var idleClock = new FakeTimeProvider(clock.GetUtcNow());
        await using var alone = await StartWithClock("access,identity", own, idleClock);
        using var applicant = await alone.SignIn("researcher");
        var before = idleClock.GetUtcNow() < DateTimeOffset.UtcNow ? idleClock.GetUtcNow() : DateTimeOffset.UtcNow;
        using var drafted = await applicant.PostAsJsonAsync("/api/access-requests",
            new { title = "Left alone", datasetIds = new[] { "ds-liver-ct" }, purpose = "Nobody comes back to it" });
        Assert.Equal(HttpStatusCode.Created, drafted.StatusCode);
        var id = (await drafted.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var after = DateTimeOffset.UtcNow;

        var abandonAfter = TimeSpan.FromDays(30);
        var reviewClock = alone.Services.GetServices<IHostedService>().OfType<ReviewClock>().Single();
        var next = await reviewClock.NextDeadline(CancellationToken.None);
        Assert.NotNull(next);
        Assert.InRange(next.Value, before + abandonAfter - TimeSpan.FromSeconds(1), after + abandonAfter + TimeSpan.FromSeconds(1));

        idleClock.Advance(abandonAfter + TimeSpan.FromMinutes(1));
        await Eventually.Until(() => Read(applicant, id), r => r["state"]!.GetValue<string>() == "abandoned", Deadline, "the idle draft to be abandoned");
    }

    private async Task<Guid> Draft(string title, params string[] datasets)
    {
        using var response = await researcher.PostAsJsonAsync("/api/access-requests", new
        {
            title,
            datasetIds = datasets,
            purpose = "Segmentation model for tumour volumes",
            purposeTerms = new { purposes = new[] { "DUO:0000037" }, diseaseCodes = new[] { "MONDO:0008903" }, country = "DE" },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    private static async Task SetConditions(HttpClient dac, string dataset, string holder, string permission, params string[] diseases)
    {
        using var response = await dac.PutAsJsonAsync($"/api/consent/datasets/{dataset}/conditions",
            new { dataHolder = holder, permission, diseases, modifiers = Array.Empty<object>() });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Task<HttpResponseMessage> Vote(HttpClient dac, Guid id, string dataset, string decision, string? comment = null) =>
        dac.PostAsJsonAsync($"/api/access-requests/{id}/datasets/{dataset}/votes", new { decision, comment });

    private static async Task<JsonObject> Read(HttpClient client, Guid id) => (await client.GetFromJsonAsync<JsonObject>($"/api/access-requests/{id}"))!;

    private static bool IsAccess(JsonObject auditEntry) => auditEntry["eventType"]!.GetValue<string>().Contains(".Access:", StringComparison.Ordinal);

    private static string TypeOf(JsonObject auditEntry) => auditEntry["eventType"]!.GetValue<string>().Split(':')[^1];

    /// <summary>Verifies the visa with jose-jwt against the published JWKS, as a node agent would offline; returns its ga4gh_visa_v1 claim.</summary>
    private async Task<JsonObject> VerifiedVisa(string visa)
    {
        var jwks = (await federation.Client.GetFromJsonAsync<JsonObject>("/api/entitlements/visa-keys"))!;
        var kid = Jose.JWT.Headers(visa)["kid"].ToString();
        var key = jwks["keys"]!.AsArray().Single(k => k!["kid"]!.GetValue<string>() == kid)!;
        using var rsa = RSA.Create(new RSAParameters
        {
            Modulus = System.Buffers.Text.Base64Url.DecodeFromChars(key["n"]!.GetValue<string>()),
            Exponent = System.Buffers.Text.Base64Url.DecodeFromChars(key["e"]!.GetValue<string>()),
        });
        var payload = JsonNode.Parse(Jose.JWT.Decode(visa, rsa, Jose.JwsAlgorithm.RS256))!.AsObject();
        Assert.Equal(federation.Client.BaseAddress!.Host, new Uri(payload["iss"]!.GetValue<string>()).Host);
        return payload["ga4gh_visa_v1"]!.AsObject();
    }
}
