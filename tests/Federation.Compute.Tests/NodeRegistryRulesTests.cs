using Federation.Compute.Nodes;
using Federation.Contracts.Compute;
using Federation.ServiceDefaults.Domain;
using Federation.ServiceDefaults.Messaging;
using Xunit;

namespace Federation.Compute.Tests;

/// <summary>The registry's rules without a store: the enrolment lifecycle, what a heartbeat may change, and silence.</summary>
public sealed class NodeRegistryRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private static readonly NodeCapabilities Small = new(4, 8L << 30, 0, 0, 100_000_000);
    private static readonly NodeProfile Profile = new("site-x", "IT", "Ospedale X", "holder-x", NodeTiers.Searchable, Small);

    private static RegisteredNode Asked()
    {
        var node = new RegisteredNode { Name = Profile.Node };
        NodeEnrolment.Ask(node, Profile, "operator-x", Now);
        return node;
    }

    private static RegisteredNode Approved()
    {
        var node = Asked();
        NodeEnrolment.Approve(node, "admin", Now);
        return node;
    }

    private static NodeHeartbeat Beat(string node = "site-x") =>
        new() { Node = node, SentAt = Now, Capabilities = Small with { Gpus = 2, GpuMemoryBytes = 1L << 34 }, QueueLength = 3, IndexedInstances = 40 };

    [Fact]
    public void Asking_approving_and_revoking_each_record_one_event_and_advance_the_version()
    {
        var node = new RegisteredNode { Name = "site-x" };
        var asked = NodeEnrolment.Ask(node, Profile, "operator-x", Now);
        Assert.Equal((NodeStatuses.Pending, 1L, Profile), (node.Status, node.Version, asked.Profile));
        var approved = NodeEnrolment.Approve(node, "admin", Now);
        Assert.Equal((NodeStatuses.Approved, 2L, "operator-x"), (node.Status, node.Version, approved.RequestedBy));
        var revoked = NodeEnrolment.Revoke(node, "admin", "left the federation", Now);
        Assert.Equal((NodeStatuses.Revoked, 3L, "left the federation", NodeLiveness.Offline), (node.Status, node.Version, revoked.Reason, node.Liveness));
    }

    [Theory]
    [InlineData(NodeStatuses.Pending, "revoke")]
    [InlineData(NodeStatuses.Approved, "approve")]
    [InlineData(NodeStatuses.Approved, "ask")]
    [InlineData(NodeStatuses.Declined, "approve")]
    [InlineData(NodeStatuses.Revoked, "ask")]
    [InlineData(NodeStatuses.Revoked, "approve")]
    public void Transitions_the_state_does_not_allow_are_refused_and_change_nothing(string status, string action)
    {
        var node = Asked();
        node.Status = status;
        var version = node.Version;
        Action act = action switch
        {
            "ask" => () => NodeEnrolment.Ask(node, Profile, "operator-x", Now),
            "approve" => () => NodeEnrolment.Approve(node, "admin", Now),
            _ => () => NodeEnrolment.Revoke(node, "admin", "why", Now),
        };
        Assert.Throws<InvalidTransitionException>(act);
        Assert.Equal((status, version), (node.Status, node.Version));
    }

    [Fact]
    public void A_declined_node_may_ask_again_with_a_new_profile()
    {
        var node = Asked();
        NodeEnrolment.Decline(node, "admin", "no data-use agreement yet", Now);
        NodeEnrolment.Ask(node, Profile with { Tier = NodeTiers.ProcessingCapable }, "operator-x", Now.AddDays(3));
        Assert.Equal((NodeStatuses.Pending, NodeTiers.ProcessingCapable, (string?)null), (node.Status, node.Tier, node.Reason));
    }

    [Fact]
    public void The_first_heartbeat_of_an_approved_node_brings_it_online_with_what_it_reports()
    {
        var node = Approved();
        var outcome = NodeHeartbeats.Record(node, Beat(), BrokerUser.Sender.InProcess, Now);
        Assert.True(outcome.Accepted);
        Assert.Equal(NodeLiveness.Online, outcome.Change!.Liveness);
        Assert.Equal((2, 3, 40L, 3L), (node.ReportedCapabilities!.Gpus, node.QueueLength, node.IndexedInstances, node.Version));
        Assert.Null(NodeHeartbeats.Record(node, Beat(), BrokerUser.Sender.InProcess, Now.AddSeconds(15)).Change); // already online: no event
    }

    [Theory]
    [InlineData("unknown", true, null, "not an enrolled node")]
    [InlineData(NodeStatuses.Pending, true, null, "enrolment is pending")]
    [InlineData(NodeStatuses.Revoked, true, null, "enrolment is revoked")]
    [InlineData(NodeStatuses.Approved, false, "node-site-y", "another node's broker user")]
    [InlineData(NodeStatuses.Approved, false, null, "another node's broker user")]
    public void A_heartbeat_from_an_unknown_unapproved_or_impersonated_node_changes_nothing_but_the_refusal_note(
        string status, bool inProcess, string? brokerUser, string reason)
    {
        var node = status == "unknown" ? null : Approved();
        if (node is not null)
            node.Status = status;
        var version = node?.Version;
        var outcome = NodeHeartbeats.Record(node, Beat(), new BrokerUser.Sender(inProcess, brokerUser), Now);
        Assert.False(outcome.Accepted);
        Assert.Contains(reason, outcome.Refusal);
        if (node is null)
            return;
        Assert.Equal((NodeLiveness.Unknown, (DateTime?)null, version), (node.Liveness, node.LastHeartbeatAt, node.Version));
        Assert.Equal(outcome.Refusal, node.LastRefusal);
    }

    [Theory]
    [InlineData("node-site-x", true)]
    [InlineData("federation-central", true)] // a central service's user speaks for the platform
    [InlineData("node-site-y", false)]
    [InlineData(null, false)]
    public void On_the_broker_a_node_speaks_only_for_itself(string? user, bool accepted) =>
        Assert.Equal(accepted, NodeHeartbeats.Record(Approved(), Beat(), new BrokerUser.Sender(false, user), Now).Accepted);

    [Fact]
    public void A_node_silent_for_longer_than_the_limit_goes_offline_once()
    {
        var node = Approved();
        NodeHeartbeats.Record(node, Beat(), BrokerUser.Sender.InProcess, Now);
        Assert.Null(NodeHeartbeats.CheckSilence(node, TimeSpan.FromMinutes(1), Now.AddSeconds(59)));
        var offline = NodeHeartbeats.CheckSilence(node, TimeSpan.FromMinutes(1), Now.AddSeconds(61));
        Assert.Equal((NodeLiveness.Offline, Now), (offline!.Liveness, offline.LastHeartbeatAt));
        Assert.Null(NodeHeartbeats.CheckSilence(node, TimeSpan.FromMinutes(1), Now.AddMinutes(5)));
        Assert.Equal(NodeLiveness.Online, NodeHeartbeats.Record(node, Beat(), BrokerUser.Sender.InProcess, Now.AddMinutes(6)).Change!.Liveness);
    }

    [Fact]
    public void A_join_request_reports_every_problem_at_once()
    {
        var errors = new JoinRequest("Site X!", "Germany", " ", null, "everything", new CapabilitiesBody(0, null, 0, 5, -1)).Validate();
        Assert.Equal(
            ["capabilities.bandwidthBitsPerSecond", "capabilities.cpus", "capabilities.gpuMemoryBytes", "capabilities.memoryBytes", "country", "dataHolder", "institution", "node", "tier"],
            errors.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(new JoinRequest("site-x", "DE", "Uniklinik X", "holder-x", NodeTiers.ProcessingCapable, new CapabilitiesBody(8, 1L << 34, 1, 1L << 34, 1_000_000_000)).Validate());
    }
}
