using Federation.Contracts;
using Federation.Contracts.Compute;
using Federation.Contracts.Identity;
using Federation.Identity.Data;
using Federation.Identity.Domain;
using Federation.ServiceDefaults.Events;
using Federation.ServiceDefaults.Messaging;
using Federation.ServiceDefaults.Persistence;
using MassTransit;

namespace Federation.Identity.Nodes;

/// <summary>An approved node's credentials become collectable by whoever asked for the enrolment.</summary>
public sealed class NodeEnrolmentApprovedConsumer(GroupCommit<IdentityDbContext> store, TimeProvider clock)
    : InboxConsumer<IdentityDbContext, NodeEnrolmentApproved>(store)
{
    protected override async Task Apply(IdentityDbContext db, ConsumeContext<NodeEnrolmentApproved> context, CancellationToken cancellationToken)
    {
        var node = context.Message.Profile.Node;
        if (await db.Set<NodeCredentialGrant>().FindAsync([node], cancellationToken) is not null)
            return; // approved once already; a revoked node stays revoked
        db.Set<NodeCredentialGrant>().Add(new NodeCredentialGrant
        {
            Node = node,
            RequestedBy = context.Message.RequestedBy,
            ApprovedAt = clock.GetUtcNow().UtcDateTime,
            Version = 1,
        });
    }
}

/// <summary>
/// A revoked node loses its credentials: no more tokens for its client, its broker user deleted and its
/// connections closed. The broker call is repeated if the batch is redone, which is harmless (deleting twice).
/// </summary>
public sealed class NodeRevokedConsumer(GroupCommit<IdentityDbContext> store, IBrokerAccounts broker, TimeProvider clock)
    : InboxConsumer<IdentityDbContext, NodeRevoked>(store)
{
    protected override async Task Apply(IdentityDbContext db, ConsumeContext<NodeRevoked> context, CancellationToken cancellationToken)
    {
        var revoked = context.Message;
        var grant = await db.Set<NodeCredentialGrant>().FindAsync([revoked.Node], cancellationToken);
        if (grant is null)
            db.Set<NodeCredentialGrant>().Add(grant = new NodeCredentialGrant { Node = revoked.Node, RequestedBy = revoked.Actor.Subject });
        if (grant.Status == NodeCredentialStatus.Revoked)
            return;
        var hadCredentials = grant.Status is NodeCredentialStatus.Issued or NodeCredentialStatus.Issuing;
        await broker.Remove(revoked.Node, cancellationToken);
        grant.Status = NodeCredentialStatus.Revoked;
        grant.RevokedAt = clock.GetUtcNow().UtcDateTime;
        grant.Version++;
        if (hadCredentials)
        {
            var stamp = new EventStamp(revoked.Actor, revoked.CorrelationId, clock);
            var clientId = NodeBrokerAccess.UserOf(revoked.Node);
            db.Publish(stamp.Stamp(new ClientRevoked { ClientId = clientId, Kind = ClientKind.NodeAgent.Name, Node = revoked.Node, Reason = revoked.Reason },
                clientId, 2));
        }
    }
}
