using Federation.Contracts.Compute;
using Federation.ServiceDefaults.Domain;

namespace Federation.Compute.Nodes;

/// <summary>
/// The enrolment lifecycle of a node: asked (pending) → approved or declined; a declined node may ask again;
/// an approved node may be revoked, which is final (its name is not reused, so old credentials can never
/// match a new node). Each transition returns the one event that records it.
/// </summary>
public static class NodeEnrolment
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        [NodeStatuses.Pending] = ["approve", "decline"],
        [NodeStatuses.Approved] = ["revoke"],
        [NodeStatuses.Declined] = ["ask again"],
        [NodeStatuses.Revoked] = [],
    };

    /// <summary>A new node, or a declined one asking again with a new profile.</summary>
    public static NodeEnrolmentRequested Ask(RegisteredNode node, NodeProfile profile, string requestedBy, DateTimeOffset now)
    {
        if (node.Version > 0 && node.Status != NodeStatuses.Declined)
            throw new InvalidTransitionException("node", node.Status, "ask to enrol", Allowed[node.Status]);
        node.Name = profile.Node;
        node.Country = profile.Country;
        node.Institution = profile.Institution;
        node.DataHolder = profile.DataHolder;
        node.Tier = profile.Tier;
        node.DeclaredCapabilities = profile.Capabilities;
        node.Status = NodeStatuses.Pending;
        node.RequestedBy = requestedBy;
        node.RequestedAt = now.UtcDateTime;
        node.DecidedBy = null;
        node.DecidedAt = null;
        node.Reason = null;
        node.Version++;
        return new NodeEnrolmentRequested { Profile = profile };
    }

    public static NodeEnrolmentApproved Approve(RegisteredNode node, string admin, DateTimeOffset now)
    {
        Decide(node, NodeStatuses.Pending, "approve", NodeStatuses.Approved, admin, reason: null, now);
        return new NodeEnrolmentApproved { Profile = node.Profile, RequestedBy = node.RequestedBy };
    }

    public static NodeEnrolmentDeclined Decline(RegisteredNode node, string admin, string reason, DateTimeOffset now)
    {
        Decide(node, NodeStatuses.Pending, "decline", NodeStatuses.Declined, admin, reason, now);
        return new NodeEnrolmentDeclined { Node = node.Name, Reason = reason };
    }

    public static NodeRevoked Revoke(RegisteredNode node, string admin, string reason, DateTimeOffset now)
    {
        Decide(node, NodeStatuses.Approved, "revoke", NodeStatuses.Revoked, admin, reason, now);
        node.Liveness = NodeLiveness.Offline;
        return new NodeRevoked { Node = node.Name, Reason = reason };
    }

    private static void Decide(RegisteredNode node, string from, string action, string to, string admin, string? reason, DateTimeOffset now)
    {
        if (node.Status != from)
            throw new InvalidTransitionException("node", node.Status, action, Allowed[node.Status]);
        node.Status = to;
        node.DecidedBy = admin;
        node.DecidedAt = now.UtcDateTime;
        node.Reason = reason;
        node.Version++;
    }
}
