namespace Federation.Contracts.Compute;

/// <summary>
/// A platform admin approved a node's enrolment. The identity role then lets <see cref="RequestedBy"/>
/// (or a platform admin) collect the node's credentials, once. AggregateId is the node's name.
/// </summary>
public sealed record NodeEnrolmentApproved : FederationEvent
{
    public required NodeProfile Profile { get; init; }

    /// <summary>The subject who asked for the enrolment: the one person besides platform admins who may collect the credentials.</summary>
    public required string RequestedBy { get; init; }
}
