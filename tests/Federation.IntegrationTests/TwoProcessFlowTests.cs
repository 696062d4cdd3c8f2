using Federation.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Federation.IntegrationTests;

/// <summary>The first vertical flow with the access and audit roles in separate processes.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class TwoProcessFlowTests(Infrastructure infrastructure, ITestOutputHelper output)
{
    [Fact]
    public async Task A_submitted_request_crosses_from_the_access_process_to_the_audit_process()
    {
        var settings = await infrastructure.SettingsFor("flow", "access", "audit", "identity");
        await using var access = await HostProcess.Start("access,identity", settings.WithIdentity());
        await using var audit = await HostProcess.Start("audit", settings.TrustingIdentityAt(access));
        // Tokens from the identity role in the access process; the audit process validates them with keys it fetches from there.
        using var researcher = await access.SignIn("researcher");
        using var auditor = await audit.SignIn("auditor", identity: access);

        var id = await researcher.CreateDraft("Glioma MR cohort", "ds-glioma-1", "ds-glioma-2");
        var submitted = await researcher.Submit(id);

        IReadOnlyList<System.Text.Json.Nodes.JsonObject> trail;
        try
        {
            trail = await Eventually.Until(() => auditor.AuditTrailOf(id), t => t.Count >= 2, TimeSpan.FromSeconds(30),
                "the audit process to record both events");
        }
        catch (TimeoutException timeout)
        {
            throw new Xunit.Sdk.XunitException($"{timeout.Message}\n--- access:\n{access.Output}\n--- audit:\n{audit.Output}");
        }
        output.WriteLine(string.Join('\n', trail.Select(t => t.Json())));

        Assert.Equal("submitted", submitted["state"]!.GetValue<string>());
        // Recording order may differ from publishing order (the audit role consumes concurrently); the version is the aggregate's order.
        Assert.Collection(trail.OrderBy(e => e["aggregateVersion"]!.GetValue<long>()),
            drafted =>
            {
                Assert.EndsWith(":AccessRequestDrafted", drafted["eventType"]!.GetValue<string>());
                Assert.Equal(1, drafted["aggregateVersion"]!.GetValue<long>());
            },
            submit =>
            {
                Assert.Equal("urn:message:Federation.Contracts.Access:AccessRequestSubmitted", submit["eventType"]!.GetValue<string>());
                Assert.Equal(2, submit["aggregateVersion"]!.GetValue<long>());
                Assert.Equal(new[] { "ds-glioma-1", "ds-glioma-2" }, submit["event"]!["datasetIds"]!.AsArray().Select(d => d!.GetValue<string>()));
            });
    }

    [Fact]
    public async Task In_distributed_mode_identity_seeds_no_demo_accounts_unless_asked()
    {
        var settings = await infrastructure.SettingsFor("noseed", "identity");
        await using var identity = await HostProcess.Start("identity", settings);

        // The portal client is seeded (it is configuration, not demo data); nobody can sign in.
        var discovery = await identity.Client.GetStringAsync("/.well-known/openid-configuration");
        await using var db = new Npgsql.NpgsqlConnection(settings["ConnectionStrings__identity"]);
        await db.OpenAsync();
        await using var accounts = new Npgsql.NpgsqlCommand("SELECT count(*) FROM accounts", db);

        Assert.Contains("authorization_endpoint", discovery);
        Assert.Equal(0L, Convert.ToInt64(await accounts.ExecuteScalarAsync()));
        Assert.False(File.Exists(Path.Combine(identity.DataDirectory, "demo-credentials.json")));
    }

    [Fact]
    public async Task Each_process_reports_ready_only_for_its_own_roles()
    {
        var settings = await infrastructure.SettingsFor("ready", "access", "audit");
        await using var access = await HostProcess.Start("access", new Dictionary<string, string>(settings)
        {
            ["Federation__Security__Authority"] = "http://127.0.0.1:9/", // fetched only when a token arrives
        });

        var report = await access.Client.GetStringAsync("/health/ready");

        Assert.Contains("access-database", report);
        Assert.Contains("masstransit-bus", report);
        Assert.DoesNotContain("audit-database", report);
    }
}
