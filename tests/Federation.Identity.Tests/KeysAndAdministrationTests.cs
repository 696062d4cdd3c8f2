using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Federation.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Xunit;

namespace Federation.Identity.Tests;

/// <summary>Signing keys survive restarts and rotate without invalidating tokens; the admin API creates people and clients.</summary>
public sealed class KeysAndAdministrationTests
{
    [Fact]
    public async Task Tokens_stay_valid_across_an_identity_restart_and_a_key_rotation()
    {
        await using var host = await HostProcess.Start("identity", new Dictionary<string, string>());
        var before = await host.AccessTokenOf("researcher");
        using var admin = await host.SignIn("admin");

        await host.Stop();
        await host.Restart();
        Assert.Equal(HttpStatusCode.OK, await Me(host, before));

        using var rotate = await admin.PostAsync("/api/identity/signing-keys/rotate", null);
        var newKid = (await rotate.Content.ReadFromJsonAsync<JsonObject>())!["keyId"]!.GetValue<string>();
        var after = await host.AccessTokenOf("researcher");

        Assert.Equal(newKid, new JsonWebToken(after).Kid);
        Assert.NotEqual(new JsonWebToken(before).Kid, new JsonWebToken(after).Kid);
        Assert.Equal(HttpStatusCode.OK, await Me(host, before));
        Assert.Equal(HttpStatusCode.OK, await Me(host, after));

        await host.Stop();
        await host.Kill(); // no shutdown hooks: the keys must already be durable
        await host.Restart();
        Assert.Equal(HttpStatusCode.OK, await Me(host, before));
        Assert.Equal(HttpStatusCode.OK, await Me(host, after));
        Assert.Equal(newKid, new JsonWebToken(await host.AccessTokenOf("researcher")).Kid);
    }

    [Fact]
    public async Task An_admin_creates_a_dac_member_a_partner_and_a_node_agent_with_secrets_shown_once()
    {
        await using var federation = await InProcessFederation.Start("identity");
        using var admin = await federation.SignIn("admin");

        using var account = await admin.PostAsJsonAsync("/api/identity/accounts",
            new { userName = "dr.rossi", displayName = "Dr Rossi", role = "dac-member", dataHolders = new[] { "hospital-b", "hospital-c" } });
        Assert.Equal(HttpStatusCode.Created, account.StatusCode);
        var created = (await account.Content.ReadFromJsonAsync<JsonObject>())!;
        var demo = await DemoCredentials.WaitFor(federation.DataDirectory);
        var rossi = new DemoUser("dr.rossi", created["password"]!.GetValue<string>(), "dac-member", created["id"]!.GetValue<string>());
        var tokens = await Oidc.SignInWithPkce(federation.Client.BaseAddress!, demo with { Users = [rossi] }, "dr.rossi");
        Assert.Equal(["hospital-b", "hospital-c"], new JsonWebToken(tokens.AccessToken).Claims.Where(c => c.Type == "data_holder").Select(c => c.Value));

        using var again = await admin.PostAsJsonAsync("/api/identity/accounts", new { userName = "DR.ROSSI", role = "researcher" });
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode); // upper case is not a user name
        using var taken = await admin.PostAsJsonAsync("/api/identity/accounts", new { userName = "dr.rossi", role = "researcher" });
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);

        using var partner = await admin.PostAsJsonAsync("/api/identity/clients", new { clientId = "registry-x", displayName = "Registry X" });
        var secret = (await partner.Content.ReadFromJsonAsync<JsonObject>())!["clientSecret"]!.GetValue<string>();
        var partnerToken = await Oidc.ClientCredentials(federation.Client.BaseAddress!, "registry-x", secret, "events discovery");
        Assert.Equal("partner", new JsonWebToken(partnerToken.AccessToken).GetClaim("role").Value);

        using var node = await admin.PostAsJsonAsync("/api/identity/nodes", new { node = "hospital-b-node" });
        var nodeSecret = (await node.Content.ReadFromJsonAsync<JsonObject>())!["clientSecret"]!.GetValue<string>();
        var nodeToken = new JsonWebToken((await Oidc.ClientCredentials(federation.Client.BaseAddress!, "node-hospital-b-node", nodeSecret, "node")).AccessToken);
        Assert.Equal(("node-agent", "hospital-b-node"), (nodeToken.GetClaim("role").Value, nodeToken.GetClaim("node").Value));
        using var twice = await admin.PostAsJsonAsync("/api/identity/nodes", new { node = "hospital-b-node" });
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
    }

    [Fact]
    public async Task An_account_with_bindings_that_do_not_fit_its_role_is_refused_with_every_reason()
    {
        await using var federation = await InProcessFederation.Start("identity");
        using var admin = await federation.SignIn("admin");

        using var response = await admin.PostAsJsonAsync("/api/identity/accounts",
            new { userName = "x", role = "researcher", dataHolders = new[] { "Hospital A" }, node = "n1" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal(["dataHolders", "node", "userName"], errors.Select(e => e.Key).Order());
    }

    private static async Task<HttpStatusCode> Me(HostProcess host, string token)
    {
        using var client = Oidc.Bearer(host.Client.BaseAddress!, token);
        using var response = await client.GetAsync("/api/identity/me");
        return response.StatusCode;
    }
}
