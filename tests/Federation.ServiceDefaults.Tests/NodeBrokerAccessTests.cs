using System.Text.RegularExpressions;
using Federation.ServiceDefaults.Messaging;
using Xunit;

namespace Federation.ServiceDefaults.Tests;

/// <summary>The broker permissions of a node's user, as RabbitMQ will match them (anchored regular expressions over names).</summary>
public sealed class NodeBrokerAccessTests
{
    private static readonly NodeBrokerAccess.Permissions SiteA = NodeBrokerAccess.For("site-a");

    [Theory]
    [InlineData("node-agent-site-a-count-query", true, true, true)]
    [InlineData("node-agent-site-a-consent-withdrawn_error", true, true, true)]
    [InlineData("node-agent-site-a-bus-0123456789abcdef0123456789abcdef", true, true, true)]
    [InlineData("Federation.Contracts.Discovery:DatasetPublished", true, true, false)]
    [InlineData("Federation.Contracts.Discovery:CountAnswer", true, true, false)]
    [InlineData("Federation.Contracts.Compute:NodeHeartbeat", true, true, false)]
    [InlineData("Federation.Contracts.Audit:NodeAuditCheckpointSealed", true, true, false)] // its local audit chain's checkpoints
    [InlineData("Federation.Contracts.Discovery:CountQuery", true, false, true)]
    [InlineData("Federation.Contracts.Consent:ConsentWithdrawn", true, false, true)]
    // Another node's queues, including one whose name starts with this node's: nothing.
    [InlineData("node-agent-site-b-count-query", false, false, false)]
    [InlineData("node-agent-site-a-b-count-query", false, false, false)]
    [InlineData("node-agent-site-a-bus-count-query", false, false, false)]
    // Central queues and events: nothing.
    [InlineData("identity-node-grants", false, false, false)]
    [InlineData("Federation.Contracts.Access:AccessRequestSubmitted", false, false, false)]
    [InlineData("Federation.Contracts.Security:SecurityEventsObserved", false, false, false)] // a node serves no API: it refuses no requests
    [InlineData("federation-bus-0123456789abcdef0123456789abcdef", false, false, false)]
    [InlineData("amq.default", false, false, false)]
    public void A_node_touches_its_own_queues_and_the_message_types_nodes_exchange_nothing_else(string name, bool configure, bool write, bool read) =>
        Assert.Equal((configure, write, read), (Matches(SiteA.Configure, name), Matches(SiteA.Write, name), Matches(SiteA.Read, name)));

    [Fact]
    public void The_user_of_a_node_carries_the_reserved_prefix() =>
        Assert.Equal((true, false), (NodeBrokerAccess.IsNodeUser(NodeBrokerAccess.UserOf("site-a")), NodeBrokerAccess.IsNodeUser("guest")));

    private static bool Matches(string pattern, string name) => Regex.IsMatch(name, pattern);
}
