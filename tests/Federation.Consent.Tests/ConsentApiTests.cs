using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Federation.Testing;
using Xunit;

namespace Federation.Consent.Tests;

/// <summary>The consent API on the embedded store, through real HTTP and real tokens.</summary>
public sealed class ConsentApiTests : IAsyncLifetime
{
    private InProcessFederation federation = null!;
    private HttpClient dac = null!;

    public async Task InitializeAsync()
    {
        federation = await InProcessFederation.Start("consent,audit");
        dac = await federation.SignIn("dac"); // DAC member of hospital-a
    }

    public async Task DisposeAsync()
    {
        dac.Dispose();
        await federation.DisposeAsync();
    }

    [Fact]
    public async Task A_holders_dac_member_versions_conditions_and_each_version_is_an_event()
    {
        var first = await Put(dac, "ds-lung-1", new { dataHolder = "hospital-a", permission = "DUO:0000006", modifiers = new object[] { new { id = "DUO:0000019" } } });
        var second = await Put(dac, "ds-lung-1", new
        {
            dataHolder = "hospital-a", permission = "DUO:0000006",
            modifiers = new object[] { new { id = "DUO:0000028", values = new[] { "Charité" } }, new { id = "DUO:0000022", values = new[] { "DE" } } },
        });

        Assert.Equal((1, 2), (first["version"]!.GetValue<int>(), second["version"]!.GetValue<int>()));
        Assert.True(second["placement"]!["staysAtNode"]!.GetValue<bool>());
        Assert.Equal("DE", second["placement"]!["countries"]![0]!.GetValue<string>());
        var v1 = await dac.GetFromJsonAsync<JsonObject>("/api/consent/datasets/ds-lung-1/conditions?version=1");
        Assert.Equal("DUO:0000019", v1!["modifiers"]![0]!["id"]!.GetValue<string>());

        using var auditor = await federation.SignIn("auditor");
        var trail = await Eventually.Until(() => auditor.AuditTrailOf("ds-lung-1"), t => t.Count == 2, TimeSpan.FromSeconds(20), "both versions audited");
        Assert.All(trail, e => Assert.EndsWith(":DataUseConditionsChanged", e["eventType"]!.GetValue<string>()));
        Assert.Equal([1L, 2L], trail.Select(e => e["aggregateVersion"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Another_holders_member_neither_reads_nor_changes_them_and_cannot_set_for_a_holder_not_theirs()
    {
        await Put(dac, "ds-owned", new { dataHolder = "hospital-a", permission = "DUO:0000042" });
        using var admin = await federation.SignIn("admin");
        using var created = await admin.PostAsJsonAsync("/api/identity/accounts", new { userName = "dac-b", role = "dac-member", dataHolders = new[] { "hospital-b" } });
        var password = (await created.Content.ReadFromJsonAsync<JsonObject>())!["password"]!.GetValue<string>();
        var demo = await DemoCredentials.WaitFor(federation.DataDirectory);
        var tokens = await Oidc.SignInWithPkce(federation.Client.BaseAddress!, demo with { Users = [new DemoUser("dac-b", password, "dac-member", "")] }, "dac-b");
        using var other = Oidc.Bearer(federation.Client.BaseAddress!, tokens.AccessToken);

        using var read = await other.GetAsync("/api/consent/datasets/ds-owned/conditions");
        using var change = await other.PutAsJsonAsync("/api/consent/datasets/ds-owned/conditions", new { dataHolder = "hospital-b", permission = "DUO:0000004" });
        using var foreign = await other.PutAsJsonAsync("/api/consent/datasets/ds-new/conditions", new { dataHolder = "hospital-a", permission = "DUO:0000004" });

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.Forbidden), (read.StatusCode, change.StatusCode, foreign.StatusCode));
        var current = await dac.GetFromJsonAsync<JsonObject>("/api/consent/datasets/ds-owned/conditions");
        Assert.Equal((1, "DUO:0000042"), (current!["version"]!.GetValue<int>(), current["permission"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_researcher_evaluates_a_purpose_against_several_datasets()
    {
        await Put(dac, "ds-hmb", new { dataHolder = "hospital-a", permission = "DUO:0000006", modifiers = new object[] { new { id = "DUO:0000046" } } });
        using var researcher = await federation.SignIn("researcher");

        using var response = await researcher.PostAsJsonAsync("/api/consent/evaluate", new
        {
            purpose = new { purposes = new[] { "DUO:0000033" }, commercial = false, forProfitOrganisation = false },
            datasetIds = new[] { "ds-hmb", "ds-unknown" },
        });
        var decisions = (await response.Content.ReadFromJsonAsync<JsonObject>())!["decisions"]!.AsArray();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("deny", decisions[0]!["outcome"]!.GetValue<string>());
        Assert.Contains("ancestry", decisions[0]!["reasons"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(("needsReview", null), (decisions[1]!["outcome"]!.GetValue<string>(), decisions[1]!["conditionsVersion"]?.GetValue<int>()));
    }

    [Fact]
    public async Task Unknown_obsolete_or_misplaced_codes_are_refused_with_every_reason_and_nothing_is_stored()
    {
        using var response = await dac.PutAsJsonAsync("/api/consent/datasets/ds-bad/conditions", new
        {
            dataHolder = "hospital-a", permission = "DUO:0000019", modifiers = new object[] { new { id = "DUO:0000099" }, new { id = "DUO:0000022" } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal(["modifiers[0]", "modifiers[1]", "permission"], errors.Select(e => e.Key).Order());
        using var read = await dac.GetAsync("/api/consent/datasets/ds-bad/conditions");
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    private static async Task<JsonObject> Put(HttpClient client, string dataset, object body)
    {
        using var response = await client.PutAsJsonAsync($"/api/consent/datasets/{dataset}/conditions", body);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
