using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Federation.Testing;
using Xunit;

namespace Federation.Audit.Tests;

/// <summary>
/// Security events in the audit trail, on PostgreSQL and RabbitMQ: sign-ins that succeed and fail, token requests the
/// identity role refuses, requests refused with 401, 403 and 429, and a flood of refusals that costs one entry per
/// window rather than one per request.
/// </summary>
public sealed class SecurityEventsTests(Infrastructure infrastructure) : IClassFixture<Infrastructure>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Failed_and_successful_sign_ins_refused_tokens_and_refused_requests_show_up_in_the_audit_trail()
    {
        var settings = (await infrastructure.SettingsFor("audit_security", "audit", "identity")).WithIdentity();
        settings["Federation__Security__AuditWindow"] = "00:00:01";
        settings["Federation__Security__TokenRequestsPerMinute"] = "30";
        await using var federation = await InProcessFederation.Start("audit", settings.AsArguments());
        var demo = await DemoCredentials.WaitFor(federation.DataDirectory);
        var server = federation.Client.BaseAddress!;

        using var auditor = await federation.SignIn("auditor");
        using var researcher = await federation.SignIn("researcher");
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Oidc.SignInWithPkce(server, demo with { Users = [demo.User("researcher") with { Password = "not-the-password" }] }, "researcher"));
        Assert.Contains("401", failed.Message);
        var partner = demo.Clients.Single(c => c.ClientId == "demo-partner");
        var refusedToken = await Assert.ThrowsAsync<InvalidOperationException>(() => Oidc.ClientCredentials(server, partner.ClientId, "wrong-secret", "events"));
        Assert.Contains("invalid_client", refusedToken.Message);

        const int flood = 300;
        for (var i = 0; i < flood; i++)
            using (var anonymous = await federation.Client.GetAsync("/api/audit/checkpoints"))
                Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using (var forbidden = await researcher.GetAsync("/api/audit/verify"))
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        // The credential throttle: token requests from this address until one is refused with 429.
        var throttled = 0;
        for (var i = 0; i < 40 && throttled == 0; i++)
        {
            using var response = await federation.Client.PostAsync("/connect/token",
                new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = "nobody", ["client_secret"] = "x" }));
            throttled = response.StatusCode == HttpStatusCode.TooManyRequests ? i : 0;
        }
        Assert.True(throttled > 0, "no token request was throttled");

        var me = (await researcher.GetFromJsonAsync<JsonObject>("/api/identity/me"))!["subject"]!.GetValue<string>();
        var auditorId = demo.User("auditor").Id;
        List<JsonObject> Of(List<JsonObject> all, string kind) => all.Where(e => e["event"]!["kind"]!.GetValue<string>() == kind).ToList();
        var trail = await Eventually.Until(() => SecurityTrail(auditor), all =>
                Of(all, "sign-in-failed").Count > 0 && Of(all, "token-refused").Any(e => e["event"]!["claimed"]?.GetValue<string>() == "demo-partner")
                && Of(all, "request-refused").Where(e => e["event"]!["route"]!.GetValue<string>() == "/api/audit/checkpoints").Sum(Count) == flood
                && Of(all, "request-refused").Any(e => e["event"]!["status"]!.GetValue<int>() == 403)
                && Of(all, "request-refused").Any(e => e["event"]!["status"]!.GetValue<int>() == 429)
                && Of(all, "sign-in-succeeded").Any(e => e["actor"]!.GetValue<string>() == auditorId),
            Deadline, "every kind of security event in the trail");

        var signInFailed = Assert.Single(Of(trail, "sign-in-failed"));
        Assert.Equal(("anonymous", "researcher", 1, 401), (signInFailed["actor"]!.GetValue<string>(), signInFailed["event"]!["claimed"]!.GetValue<string>(),
            Count(signInFailed), signInFailed["event"]!["status"]!.GetValue<int>()));
        Assert.Equal("refused", signInFailed["outcome"]!.GetValue<string>());
        Assert.Contains("identity", signInFailed["service"]!.GetValue<string>().Split(',')); // the process's roles: where it was refused
        Assert.Equal("127.0.0.1", signInFailed["event"]!["address"]!.GetValue<string>());

        var signedIn = Of(trail, "sign-in-succeeded").First(e => e["actor"]!.GetValue<string>() == auditorId);
        Assert.Equal(("auditor", "success", "auditor"), (signedIn["actorRole"]!.GetValue<string>(), signedIn["outcome"]!.GetValue<string>(),
            signedIn["event"]!["claimed"]!.GetValue<string>()));

        var tokenRefused = Of(trail, "token-refused").First(e => e["event"]!["claimed"]?.GetValue<string>() == "demo-partner");
        Assert.StartsWith("invalid_client", tokenRefused["event"]!["reason"]!.GetValue<string>());
        Assert.Equal(("demo-partner", 401, "refused"), (tokenRefused["actorClient"]!.GetValue<string>(), tokenRefused["event"]!["status"]!.GetValue<int>(),
            tokenRefused["outcome"]!.GetValue<string>()));

        // The flood: every request counted, in a handful of entries (one per window it spanned), not three hundred.
        var flooded = Of(trail, "request-refused").Where(e => e["event"]!["route"]!.GetValue<string>() == "/api/audit/checkpoints").ToList();
        Assert.InRange(flooded.Count, 1, 30);
        Assert.All(flooded, e => Assert.Equal(("no token", "GET", "anonymous"),
            (e["event"]!["reason"]!.GetValue<string>(), e["event"]!["method"]!.GetValue<string>(), e["actor"]!.GetValue<string>())));

        var forbiddenEntry = Of(trail, "request-refused").Single(e => e["event"]!["status"]!.GetValue<int>() == 403);
        Assert.Equal((me, "researcher", demo.PortalClientId, "/api/audit/verify"), (forbiddenEntry["actor"]!.GetValue<string>(),
            forbiddenEntry["actorRole"]!.GetValue<string>(), forbiddenEntry["actorClient"]!.GetValue<string>(), forbiddenEntry["event"]!["route"]!.GetValue<string>()));

        var throttledEntry = Of(trail, "request-refused").First(e => e["event"]!["status"]!.GetValue<int>() == 429);
        Assert.Equal(("rate limited", "POST"), (throttledEntry["event"]!["reason"]!.GetValue<string>(), throttledEntry["event"]!["method"]!.GetValue<string>()));

        // Each process numbers its reports: no gaps, so none was lost on the way.
        var versions = trail.Select(e => e["aggregateVersion"]!.GetValue<long>()).Order().ToList();
        Assert.Equal(Enumerable.Range(1, versions.Count).Select(v => (long)v), versions);
        var report = (await auditor.GetFromJsonAsync<JsonObject>("/api/audit/verify"))!;
        Assert.True(report["verified"]!.GetValue<bool>(), report.ToJsonString());
    }

    private static int Count(JsonObject entry) => entry["event"]!["count"]!.GetValue<int>();

    private static async Task<List<JsonObject>> SecurityTrail(HttpClient auditor)
    {
        var all = new List<JsonObject>();
        long? after = 0;
        while (after is not null)
        {
            var page = (await auditor.GetFromJsonAsync<JsonObject>($"/api/audit/events?action=SecurityEventsObserved&limit=1000&after={after}"))!;
            all.AddRange(page["items"]!.AsArray().Select(i => i!.AsObject()));
            after = page["next"]?.GetValue<long>();
        }
        return all;
    }
}
