using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Federation.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Xunit;

namespace Federation.Identity.Tests;

/// <summary>Signing keys survive restarts and rotate without invalidating tokens; the admin API creates people and partners; nodes get clients through enrolment.</summary>
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
    public async Task An_admin_creates_a_dac_member_and_a_partner_with_secrets_shown_once()
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

        using var nodeLike = await admin.PostAsJsonAsync("/api/identity/clients", new { clientId = "node-hospital-b", displayName = "Not a node" });
        Assert.Equal(HttpStatusCode.BadRequest, nodeLike.StatusCode); // node agents' ids are reserved: they come from enrolment only
    }

    [Fact]
    public async Task A_node_gets_its_client_only_once_approved_only_once_and_loses_it_when_revoked()
    {
        await using var federation = await InProcessFederation.Start("identity,compute");
        using var admin = await federation.SignIn("admin");
        var (operatorClient, _) = await federation.SignInNewOperator("op.b", "hospital-b-node");
        using (var asked = await operatorClient.PostAsJsonAsync("/api/nodes", new
               {
                   node = "hospital-b-node", country = "FR", institution = "Hôpital B", dataHolder = "hospital-b", tier = "searchable",
                   capabilities = new { cpus = 8, memoryBytes = 32L << 30, gpus = 0, gpuMemoryBytes = 0, bandwidthBitsPerSecond = 100_000_000 },
               }))
            Assert.Equal(HttpStatusCode.Created, asked.StatusCode);
        using (var early = await operatorClient.PostAsync("/api/identity/nodes/hospital-b-node/credentials", null))
            Assert.Equal(HttpStatusCode.NotFound, early.StatusCode);

        using (await admin.PostAsync("/api/nodes/hospital-b-node/approve", null)) { }
        var created = await Eventually.Until(async () =>
            {
                using var response = await operatorClient.PostAsync("/api/identity/nodes/hospital-b-node/credentials", null);
                return response.StatusCode == HttpStatusCode.Created ? await response.Content.ReadFromJsonAsync<JsonObject>() : null;
            }, c => c is not null, TimeSpan.FromSeconds(30), "the node's credentials");
        Assert.Null(created!["brokerUser"]); // the embedded, in-memory bus has no broker users
        var nodeToken = new JsonWebToken((await Oidc.ClientCredentials(federation.Client.BaseAddress!, "node-hospital-b-node",
            created["clientSecret"]!.GetValue<string>(), "node")).AccessToken);
        Assert.Equal(("node-agent", "hospital-b-node"), (nodeToken.GetClaim("role").Value, nodeToken.GetClaim("node").Value));
        using (var twice = await operatorClient.PostAsync("/api/identity/nodes/hospital-b-node/credentials", null))
            Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);

        using (await admin.PostAsJsonAsync("/api/nodes/hospital-b-node/revoke", new { reason = "test" })) { }
        await Eventually.Until(async () =>
            {
                using var response = await federation.Client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "client_credentials", ["client_id"] = "node-hospital-b-node",
                    ["client_secret"] = created["clientSecret"]!.GetValue<string>(), ["scope"] = "node",
                }));
                return response.StatusCode;
            }, status => status != HttpStatusCode.OK, TimeSpan.FromSeconds(30), "the revoked node's client refused");
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
