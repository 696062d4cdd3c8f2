using Federation.Contracts.Compute;

namespace Federation.Compute.Nodes;

/// <summary>
/// A data node in the registry: what its hospital declared when asking to join, the platform's decision, and
/// what its heartbeats last said. <see cref="Version"/> counts the node's events and guards concurrent writers.
/// </summary>
public sealed class RegisteredNode
{
    public string Name { get; set; } = "";
    public string Country { get; set; } = "";
    public string Institution { get; set; } = "";
    public string DataHolder { get; set; } = "";
    public string Tier { get; set; } = NodeTiers.MetadataOnly;
    public NodeCapabilities DeclaredCapabilities { get; set; } = new(0, 0, 0, 0, 0);

    /// <summary>One of <see cref="NodeStatuses"/>.</summary>
    public string Status { get; set; } = NodeStatuses.Pending;

    public string RequestedBy { get; set; } = "";
    public DateTime RequestedAt { get; set; }
    public string? DecidedBy { get; set; }
    public DateTime? DecidedAt { get; set; }
    public string? Reason { get; set; }

    /// <summary>One of <see cref="NodeLiveness"/>, from heartbeats.</summary>
    public string Liveness { get; set; } = NodeLiveness.Unknown;

    public DateTime? LastHeartbeatAt { get; set; }
    public NodeCapabilities? ReportedCapabilities { get; set; }
    public int QueueLength { get; set; }
    public long IndexedInstances { get; set; }
    public string? AgentVersion { get; set; }

    /// <summary>The node's local policy as its heartbeats report it (null: built-in algorithms only).</summary>
    public List<string>? AllowedAlgorithms { get; set; }

    /// <summary>Why the node's last heartbeat was refused (not enrolled, revoked, not sent by its own broker user), and when.</summary>
    public string? LastRefusal { get; set; }

    public DateTime? LastRefusalAt { get; set; }

    public long Version { get; set; }

    public NodeProfile Profile => new(Name, Country, Institution, DataHolder, Tier, DeclaredCapabilities);
}

/// <summary>Where a node's enrolment stands. Only an approved node's heartbeats count; revoked is final.</summary>
public static class NodeStatuses
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Declined = "declined";
    public const string Revoked = "revoked";
}

/// <summary>Whether an approved node is heard from: unknown until its first heartbeat.</summary>
public static class NodeLiveness
{
    public const string Unknown = "unknown";
    public const string Online = "online";
    public const string Offline = "offline";
}
