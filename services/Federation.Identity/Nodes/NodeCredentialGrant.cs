namespace Federation.Identity.Nodes;

/// <summary>
/// The identity role's side of a node's enrolment: approved by the registry (compute), collected once by whoever
/// asked for it (or a platform admin), revoked when the registry revokes the node.
/// <para>approved → issuing (a collection in progress: reserved, so a second one loses) → issued → revoked.</para>
/// </summary>
public sealed class NodeCredentialGrant
{
    public string Node { get; set; } = "";

    /// <summary>The subject who asked for the enrolment: besides platform admins, the only one who may collect.</summary>
    public string RequestedBy { get; set; } = "";

    public string Status { get; set; } = NodeCredentialStatus.Approved;
    public DateTime ApprovedAt { get; set; }

    /// <summary>When a collection reserved the grant: one that crashed midway is taken over after <see cref="NodeCredentialIssuer.StaleReservation"/>.</summary>
    public DateTime? ReservedAt { get; set; }

    public DateTime? IssuedAt { get; set; }
    public string? IssuedTo { get; set; }
    public DateTime? RevokedAt { get; set; }
    public long Version { get; set; }
}

public static class NodeCredentialStatus
{
    public const string Approved = "approved";
    public const string Issuing = "issuing";
    public const string Issued = "issued";
    public const string Revoked = "revoked";
}
