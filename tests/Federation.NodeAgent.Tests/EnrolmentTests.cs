using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Federation.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using Xunit;

namespace Federation.NodeAgent.Tests;

/// <summary>
/// A hospital enrols its node on a real RabbitMQ (with its management API) and PostgreSQL: it asks, a platform
/// admin approves, its operator collects the credentials once, and the node agent then runs with its own broker
/// user, which reaches its own queues and nothing else. An unapproved node gets nothing; a revoked one loses all.
/// </summary>
public sealed class EnrolmentTests(ManagedInfrastructure infrastructure) : IClassFixture<ManagedInfrastructure>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_node_is_approved_collects_its_credentials_once_and_its_broker_user_reaches_only_its_own_queues()
    {
        var central = await infrastructure.SettingsFor("enrol", "identity", "compute", "discovery", "audit");
        var amqp = new Uri(central["ConnectionStrings__rabbitmq"]);
        var vhost = Uri.UnescapeDataString(amqp.AbsolutePath.TrimStart('/'));
        central["Federation__Identity__SeedDemo"] = "true";
        central["Federation__Identity__Broker__ManagementUrl"] = infrastructure.Broker.ManagementUrl!.ToString();
        central["Federation__Identity__Broker__VirtualHost"] = vhost;
        central["Federation__Compute__Nodes__OfflineAfter"] = "00:00:03";
        central["Federation__Compute__Nodes__LivenessPoll"] = "00:00:00.250";
        await using var hub = await InProcessFederation.Start("identity,compute,discovery,audit", central.AsArguments());
        using var admin = await hub.SignIn("admin");
        var (operatorA, _) = await hub.SignInNewOperator("op.a", "site-a");
        var (operatorB, _) = await hub.SignInNewOperator("op.b", "site-b");

        // Asking: only for the node one operates, with a complete profile.
        using (var other = await operatorA.PostAsJsonAsync("/api/nodes", Profile("site-b")))
            Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        using (var incomplete = await operatorA.PostAsJsonAsync("/api/nodes", new { node = "site-a", country = "Germany", tier = "everything" }))
            Assert.Equal(HttpStatusCode.BadRequest, incomplete.StatusCode);
        using (var asked = await operatorA.PostAsJsonAsync("/api/nodes", Profile("site-a")))
        {
            Assert.Equal(HttpStatusCode.Created, asked.StatusCode);
            Assert.Equal("pending", (await asked.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
        }

        // Unapproved: no credentials, and the identity role knows no such client.
        using (var early = await operatorA.PostAsync("/api/identity/nodes/site-a/credentials", null))
            Assert.Equal(HttpStatusCode.NotFound, early.StatusCode);
        Assert.Equal("invalid_client", await TokenOutcome(hub, "node-site-a", "guessed-secret"));

        using (var approved = await admin.PostAsync("/api/nodes/site-a/approve", null))
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var credentialsA = await Collect(operatorA, "site-a");
        using (var twice = await operatorA.PostAsync("/api/identity/nodes/site-a/credentials", null))
            Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Equal("issued", await TokenOutcome(hub, "node-site-a", credentialsA.Secret));

        using (var askedB = await operatorB.PostAsJsonAsync("/api/nodes", Profile("site-b")))
            Assert.Equal(HttpStatusCode.Created, askedB.StatusCode);
        using (await admin.PostAsync("/api/nodes/site-b/approve", null)) { }
        using (var notTheirs = await operatorA.PostAsync("/api/identity/nodes/site-b/credentials", null))
            Assert.Equal(HttpStatusCode.NotFound, notTheirs.StatusCode);
        var credentialsB = await Collect(operatorB, "site-b");

        // Node A's agent runs with its own broker user: it must declare, bind, publish and answer within its permissions.
        var nodeSettings = new Dictionary<string, string>
        {
            ["ConnectionStrings__rabbitmq"] = BrokerUrl(amqp, credentialsA.User!, credentialsA.Secret),
            ["ConnectionStrings__node-agent"] = infrastructure.Postgres.ForDatabase($"node_site_a_{Guid.NewGuid():N}"),
            ["Federation__Security__Authority"] = hub.Client.BaseAddress!.ToString(),
            ["Federation__NodeAgent__Node"] = "site-a",
            ["Federation__NodeAgent__DataHolder"] = "holder-a",
            ["Federation__NodeAgent__HeartbeatInterval"] = "00:00:00.500",
            ["Federation__NodeAgent__Capabilities__Gpus"] = "1",
            ["Federation__NodeAgent__Capabilities__GpuMemoryBytes"] = "25769803776",
            ["Federation__NodeAgent__Datasets__0__Id"] = "site-a-lung",
            ["Federation__NodeAgent__Datasets__0__Collection"] = "LUNG-CT",
            ["Federation__NodeAgent__Datasets__0__Title"] = "Lung CT at site A",
        };
        var agent = await InProcessFederation.StartExactly("node-agent", _ => { }, nodeSettings.AsArguments());
        await using (agent)
        {
            var online = await Eventually.Until(() => admin.GetFromJsonAsync<JsonObject>("/api/nodes/site-a"),
                n => n!["liveness"]!.GetValue<string>() == "online" && n["indexedInstances"]!.GetValue<long>() > 0, Deadline, "site-a online through its heartbeats");
            Assert.Equal((1, 25769803776L), (online!["reportedCapabilities"]!["gpus"]!.GetValue<int>(), online["reportedCapabilities"]!["gpuMemoryBytes"]!.GetValue<long>()));
            using var researcher = await hub.SignIn("researcher");
            await Eventually.Until(() => researcher.GetFromJsonAsync<JsonObject>("/api/datasets"), p => p!["total"]!.GetValue<int>() == 1, Deadline,
                "site-a's dataset in the catalogue");
            var search = await Eventually.Until(async () =>
                {
                    using var response = await researcher.PostAsJsonAsync("/api/search", new { modality = "CT" });
                    return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
                }, s => s["nodes"]!["answered"]!.AsArray().Any(n => n!.GetValue<string>() == "site-a"), Deadline, "site-a answering a federated count");
            Assert.True(search["subjects"]!.GetValue<int>() > 0);

            // Node B's user: its own queue yes; node A's queue, a central exchange, or speaking as node A, no.
            var factory = new ConnectionFactory { Uri = new Uri(BrokerUrl(amqp, credentialsB.User!, credentialsB.Secret)) };
            await using var connection = await factory.CreateConnectionAsync();
            await using (var own = await connection.CreateChannelAsync())
                await own.QueueDeclareAsync("node-agent-site-b-count-query", durable: false, exclusive: true, autoDelete: true);
            Assert.Equal(403, await RefusedCode(connection, c => c.BasicConsumeAsync("node-agent-site-a-count-query", autoAck: false, new AsyncEventingBasicConsumer(c))));
            Assert.Equal(403, await RefusedCode(connection, async c =>
            {
                await c.QueueDeclareAsync("node-agent-site-b-consent-withdrawn", durable: false, exclusive: true, autoDelete: true);
                await c.QueueBindAsync("node-agent-site-b-consent-withdrawn", "Federation.Contracts.Compute:NodeEnrolmentApproved", "");
            }));
            Assert.Equal(403, await RefusedCode(connection, c => c.QueueDeclareAsync("identity-node-grants-copy", durable: false, exclusive: true, autoDelete: true)));
            Assert.Equal(406, await RefusedCode(connection, async c =>
            {
                // The broker itself refuses a user_id other than the connection's user: B cannot speak as A.
                await c.BasicPublishAsync("Federation.Contracts.Compute:NodeHeartbeat", "", mandatory: false,
                    new BasicProperties { UserId = "node-site-a" }, "{}"u8.ToArray());
                await c.ExchangeDeclarePassiveAsync("Federation.Contracts.Compute:NodeHeartbeat"); // a round trip, so the asynchronous refusal arrives
            }));
        }

        // The agent stopped: the registry notices its silence.
        await Eventually.Until(() => admin.GetFromJsonAsync<JsonObject>("/api/nodes/site-a"), n => n!["liveness"]!.GetValue<string>() == "offline",
            Deadline, "site-a offline after its heartbeats stopped");

        // Revoked: no tokens, no broker connection, and the registry says so.
        using (var revoke = await admin.PostAsJsonAsync("/api/nodes/site-a/revoke", new { reason = "the hospital left the federation" }))
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        await Eventually.Until(() => TokenOutcome(hub, "node-site-a", credentialsA.Secret), s => s == "invalid_client", Deadline, "site-a's client refused");
        var refused = new ConnectionFactory { Uri = new Uri(BrokerUrl(amqp, credentialsA.User!, credentialsA.Secret)) };
        await Assert.ThrowsAsync<BrokerUnreachableException>(() => refused.CreateConnectionAsync());
        var revoked = (await admin.GetFromJsonAsync<JsonObject>("/api/nodes/site-a"))!;
        Assert.Equal("revoked", revoked["status"]!.GetValue<string>());
        using (var again = await operatorA.PostAsJsonAsync("/api/nodes", Profile("site-a")))
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode); // revoked is final: a new enrolment takes a new name
    }

    private static object Profile(string node) => new
    {
        node,
        country = "DE",
        institution = $"Hospital {node}",
        dataHolder = $"holder-{node}",
        tier = "processing-capable",
        capabilities = new { cpus = 16, memoryBytes = 64L << 30, gpus = 1, gpuMemoryBytes = 24L << 30, bandwidthBitsPerSecond = 1_000_000_000L },
    };

    private sealed record Credentials(string Secret, string? User);

    private static async Task<Credentials> Collect(HttpClient operatorClient, string node)
    {
        // The approval reaches the identity role as an event: until then there is nothing to collect (404).
        var body = await Eventually.Until(async () =>
            {
                using var response = await operatorClient.PostAsync($"/api/identity/nodes/{node}/credentials", null);
                return response.StatusCode == HttpStatusCode.Created ? await response.Content.ReadFromJsonAsync<JsonObject>() : null;
            }, b => b is not null, Deadline, $"{node}'s credentials");
        Assert.Equal($"node-{node}", body!["clientId"]!.GetValue<string>());
        return new Credentials(body["clientSecret"]!.GetValue<string>(), body["brokerUser"]?.GetValue<string>());
    }

    private static string BrokerUrl(Uri amqp, string user, string password) =>
        new UriBuilder(amqp) { UserName = Uri.EscapeDataString(user), Password = Uri.EscapeDataString(password) }.Uri.ToString();

    /// <summary>"issued", or the OAuth error the token endpoint answered with.</summary>
    private static async Task<string> TokenOutcome(InProcessFederation hub, string clientId, string secret)
    {
        using var response = await hub.Client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret, ["scope"] = "node",
        }));
        return response.IsSuccessStatusCode ? "issued" : (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>();
    }

    /// <summary>The AMQP reply code with which the broker closes a channel that tried <paramref name="act"/>.</summary>
    private static async Task<int> RefusedCode(IConnection connection, Func<IChannel, Task> act)
    {
        await using var channel = await connection.CreateChannelAsync();
        var refusal = await Assert.ThrowsAnyAsync<OperationInterruptedException>(() => act(channel));
        return refusal.ShutdownReason!.ReplyCode;
    }
}
