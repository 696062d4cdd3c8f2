using Federation.Testing;
using Xunit;

namespace Federation.IntegrationTests;

/// <summary>
/// A role started after the others have begun publishing. RabbitMQ routes an event only to the queues bound when it is
/// published, so an event another role already consumes (here a node's dataset, which the catalogue consumes) would
/// never reach the late role. (An event nobody consumes yet is returned and kept in the outbox: UnroutedEventTests.) The Host's one-off topology run declares the late role's queue and bindings first; the events
/// then wait there for it.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class TopologyDeploymentTests(Infrastructure infrastructure)
{
    [Fact]
    public async Task A_role_whose_topology_was_deployed_first_receives_what_was_published_before_its_first_start()
    {
        var settings = await infrastructure.SettingsFor("topology", "discovery", "node-agent", "audit", "identity");
        var deployed = await HostProcess.RunToExit(new Dictionary<string, string>(settings)
        {
            ["Federation__Roles"] = "audit",
            ["Federation__Messaging__DeployTopology"] = "true",
            ["Federation__Security__Authority"] = "http://127.0.0.1:9/", // the audit role's API is configured, never served
        });
        Assert.True(deployed.ExitCode == 0, deployed.Output);
        Assert.Contains("broker topology deployed", deployed.Output);

        // The demo node publishes its datasets; the catalogue has them before the audit role first runs.
        await using var front = await HostProcess.Start("discovery,node-agent,identity", settings.WithIdentity());
        using var researcher = await front.SignIn("researcher");
        await Eventually.Until(async () => (await researcher.GetAsync("/api/datasets/demo-lung-ct")).IsSuccessStatusCode, TimeSpan.FromSeconds(60),
            "the demo node's dataset in the catalogue");

        await using var audit = await HostProcess.Start("audit", settings.TrustingIdentityAt(front));
        using var auditor = await audit.SignIn("auditor", identity: front);
        var trail = await Eventually.Until(() => auditor.AuditTrailOf("demo-lung-ct"), t => t.Count >= 1, TimeSpan.FromSeconds(60),
            "the dataset's publication, consumed by the catalogue before the audit role first ran, in the audit trail");
        Assert.EndsWith(":DatasetPublished", trail.OrderBy(e => e["aggregateVersion"]!.GetValue<long>()).First()["eventType"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deploying_the_topology_without_a_broker_is_refused_with_one_line()
    {
        var (exitCode, output) = await HostProcess.RunToExit(new Dictionary<string, string>
        {
            ["Federation__Roles"] = "audit",
            ["Federation__Messaging__DeployTopology"] = "true",
        });
        Assert.Equal(2, exitCode);
        Assert.Contains("DeployTopology needs a broker", output);
    }
}
